package dev.runnerscale.autoscaler.nodes;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a pod says about its place on a node, as the scheduler and the kubelet wrote it: its node, since when it holds
 * it, since when it waits for one, and when its runner ended. Read-only (the pod may be an informer cache's object).
 */
public final class PodScheduling {

    /** Karpenter's well-known label and node selector key for spot or on-demand capacity. */
    public static final String KARPENTER_CAPACITY_TYPE = "karpenter.sh/capacity-type";

    private static final String POD_SCHEDULED = "PodScheduled";
    private static final String UNSCHEDULABLE = "Unschedulable";

    private PodScheduling() {}

    /** The node the scheduler bound the pod to ({@code spec.nodeName}). */
    public static Optional<String> nodeName(Pod pod) {
        return Optional.ofNullable(pod.getSpec() == null ? null : pod.getSpec().getNodeName())
                .filter(n -> !n.isBlank());
    }

    /**
     * Since when the pod has held its node: the time of its {@code PodScheduled=True} condition, else its start time
     * (a pod bound directly, without the scheduler, has no condition).
     */
    public static Optional<Instant> scheduledAt(Pod pod) {
        return scheduledBySchedulerAt(pod)
                .or(() -> Optional.ofNullable(
                        pod.getStatus() == null
                                ? null
                                : KubernetesTimestamps.parse(pod.getStatus().getStartTime())));
    }

    /** When the scheduler bound the pod: its {@code PodScheduled=True} condition's time, if it has one. */
    public static Optional<Instant> scheduledBySchedulerAt(Pod pod) {
        return condition(pod)
                .filter(c -> "True".equals(c.getStatus()))
                .map(c -> KubernetesTimestamps.parse(c.getLastTransitionTime()));
    }

    /**
     * Since when the scheduler has found no node for the pod ({@code PodScheduled=False}, reason
     * {@code Unschedulable}, as kube-scheduler writes it), if it waits for one.
     */
    public static Optional<Instant> unschedulableSince(Pod pod) {
        if (nodeName(pod).isPresent() || pod.getMetadata().getDeletionTimestamp() != null) {
            return Optional.empty();
        }
        return condition(pod)
                .filter(c -> "False".equals(c.getStatus()) && UNSCHEDULABLE.equals(c.getReason()))
                .map(c -> {
                    Instant at = KubernetesTimestamps.parse(c.getLastTransitionTime());
                    return at != null
                            ? at
                            : KubernetesTimestamps.parse(pod.getMetadata().getCreationTimestamp());
                });
    }

    /** The capacity type the pod asks Karpenter for ({@code karpenter.sh/capacity-type} in its node selector). */
    public static Optional<String> capacityTypeAsked(Pod pod) {
        return Optional.ofNullable(
                pod.getSpec() == null || pod.getSpec().getNodeSelector() == null
                        ? null
                        : pod.getSpec().getNodeSelector().get(KARPENTER_CAPACITY_TYPE));
    }

    /** When the container ended, if it did ({@code state.terminated.finishedAt}). */
    public static Optional<Instant> containerFinishedAt(Pod pod, String container) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getContainerStatuses().stream()
                .filter(s -> container.equals(s.getName()))
                .map(ContainerStatus::getState)
                .filter(s -> s != null && s.getTerminated() != null)
                .map(s -> KubernetesTimestamps.parse(s.getTerminated().getFinishedAt()))
                .filter(i -> i != null)
                .findFirst();
    }

    /** When the container started, running or since ended ({@code state.running|terminated.startedAt}). */
    public static Optional<Instant> containerStartedAt(Pod pod, String container) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getContainerStatuses().stream()
                .filter(s -> container.equals(s.getName()) && s.getState() != null)
                .map(ContainerStatus::getState)
                .map(s -> s.getRunning() != null
                        ? KubernetesTimestamps.parse(s.getRunning().getStartedAt())
                        : s.getTerminated() != null
                                ? KubernetesTimestamps.parse(s.getTerminated().getStartedAt())
                                : null)
                .filter(i -> i != null)
                .findFirst();
    }

    /** When the pod was asked to go ({@code metadata.deletionTimestamp}). */
    public static Optional<Instant> deletedAt(Pod pod) {
        return Optional.ofNullable(KubernetesTimestamps.parse(pod.getMetadata().getDeletionTimestamp()));
    }

    public static Optional<Instant> createdAt(Pod pod) {
        return Optional.ofNullable(KubernetesTimestamps.parse(pod.getMetadata().getCreationTimestamp()));
    }

    private static Optional<PodCondition> condition(Pod pod) {
        List<PodCondition> conditions =
                pod.getStatus() == null ? null : pod.getStatus().getConditions();
        if (conditions == null) {
            return Optional.empty();
        }
        return conditions.stream()
                .filter(c -> POD_SCHEDULED.equals(c.getType()))
                .findFirst();
    }
}
