package dev.runnerscale.autoscaler.nodes;

import dev.runnerscale.autoscaler.cost.Requests;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** Reads Kubernetes quantities into the cost core's plain numbers. */
public final class PodRequests {

    private PodRequests() {}

    /** A pod's effective requests: every container, init containers and native sidecars included. */
    public static Requests of(Pod pod) {
        List<Requests> containers =
                pod.getSpec().getContainers().stream().map(PodRequests::of).toList();
        List<Requests.InitContainer> inits = pod.getSpec().getInitContainers() == null
                ? List.of()
                : pod.getSpec().getInitContainers().stream()
                        .map(c -> new Requests.InitContainer(of(c), "Always".equals(c.getRestartPolicy())))
                        .toList();
        return Requests.ofPod(containers, inits);
    }

    private static Requests of(Container c) {
        Map<String, Quantity> requests =
                c.getResources() == null ? null : c.getResources().getRequests();
        if (requests == null) {
            return Requests.NONE;
        }
        return resources(requests);
    }

    /** {@code cpu} in millicores and {@code memory} in bytes of a resource list (allocatable, requests). */
    public static Requests resources(Map<String, Quantity> list) {
        if (list == null) {
            return Requests.NONE;
        }
        Quantity cpu = list.get("cpu");
        Quantity memory = list.get("memory");
        long milli = cpu == null
                ? 0
                : Quantity.getAmountInBytes(cpu)
                        .multiply(BigDecimal.valueOf(1000))
                        .longValue();
        long bytes = memory == null ? 0 : Quantity.getAmountInBytes(memory).longValue();
        return new Requests(milli, bytes);
    }
}
