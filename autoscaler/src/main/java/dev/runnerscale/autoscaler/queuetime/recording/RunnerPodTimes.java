package dev.runnerscale.autoscaler.queuetime.recording;

import dev.runnerscale.autoscaler.queuetime.TimelineFacts.PodTimes;
import dev.runnerscale.autoscaler.runners.RunnerPodFactory;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Instant;
import java.time.format.DateTimeParseException;
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
            created = parse(pod.getMetadata().getCreationTimestamp());
        }
        Instant registered = known.registeredAt(uid);
        if (registered == null) {
            registered = parse(annotation(pod, RunnerPodFactory.REGISTERED_AT_ANNOTATION));
        }
        Boolean newNode = null;
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        if (node != null && created != null) {
            Optional<Instant> nodeCreated = nodes.createdAt(node);
            if (nodeCreated.isPresent()) {
                newNode = nodeCreated.get().isAfter(created);
            }
        }
        return new PodTimes(
                pod.getMetadata().getName(), created, scheduledAt(pod), newNode, registered, startedAt(pod));
    }

    private static Instant scheduledAt(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return null;
        }
        for (PodCondition c : pod.getStatus().getConditions()) {
            if ("PodScheduled".equals(c.getType()) && "True".equals(c.getStatus())) {
                return parse(c.getLastTransitionTime());
            }
        }
        return null;
    }

    private static Instant startedAt(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return null;
        }
        for (ContainerStatus s : pod.getStatus().getContainerStatuses()) {
            if (RunnerPodFactory.RUNNER_CONTAINER.equals(s.getName()) && s.getState() != null) {
                ContainerState state = s.getState();
                if (state.getRunning() != null) {
                    return parse(state.getRunning().getStartedAt());
                }
                if (state.getTerminated() != null) {
                    return parse(state.getTerminated().getStartedAt());
                }
            }
        }
        return null;
    }

    private static String annotation(Pod pod, String key) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(key);
    }

    private static Instant parse(String timestamp) {
        if (timestamp == null || timestamp.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
