package dev.runnerscale.autoscaler.queuetime.recording;

import dev.runnerscale.autoscaler.nodes.KubernetesTimestamps;
import dev.runnerscale.autoscaler.nodes.PodScheduling;
import dev.runnerscale.autoscaler.queuetime.TimelineFacts.PodTimes;
import dev.runnerscale.autoscaler.runners.RunnerPodFactory;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Reads a runner pod's own stages from what the API server, the scheduler and the kubelet wrote on it. Read-only. */
final class RunnerPodTimes {

    private RunnerPodTimes() {}

    /** Creation and registration times of the pods this replica made or registered, on its own clock. */
    interface Known {
        Instant createdAt(String uid);

        Instant registeredAt(String uid);
    }

    static String runnerName(Pod pod) {
        return annotation(pod, RunnerPodFactory.RUNNER_NAME_ANNOTATION);
    }

    static boolean registered(Pod pod) {
        return annotation(pod, RunnerPodFactory.RUNNER_ID_ANNOTATION) != null;
    }

    /**
     * The pod's stages. Created: when this replica created it (our clock, like the job's other stamps), else the API
     * server's {@code creationTimestamp}. Scheduled: the {@code PodScheduled} condition turning true. Registered: when
     * this replica registered it, else our {@code registered-at} annotation. Started: the runner container's start.
     * A new node: the pod's node was created after the pod.
     */
    static PodTimes read(Pod pod, Known known, NodeCreationTimes nodes) {
        String uid = pod.getMetadata().getUid();
        Instant created = known.createdAt(uid);
        if (created == null) {
            created = PodScheduling.createdAt(pod).orElse(null);
        }
        Instant registered = known.registeredAt(uid);
        if (registered == null) {
            registered = KubernetesTimestamps.parse(annotation(pod, RunnerPodFactory.REGISTERED_AT_ANNOTATION));
        }
        Boolean newNode = null;
        Optional<String> node = PodScheduling.nodeName(pod);
        if (node.isPresent() && created != null) {
            Optional<Instant> nodeCreated = nodes.createdAt(node.get());
            if (nodeCreated.isPresent()) {
                newNode = nodeCreated.get().isAfter(created);
            }
        }
        return new PodTimes(
                pod.getMetadata().getName(),
                created,
                PodScheduling.scheduledBySchedulerAt(pod).orElse(null),
                newNode,
                registered,
                PodScheduling.containerStartedAt(pod, RunnerPodFactory.RUNNER_CONTAINER)
                        .orElse(null));
    }

    private static String annotation(Pod pod, String key) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(key);
    }
}
