package dev.runnerscale.autoscaler.runners;

import static dev.runnerscale.autoscaler.runners.RunnerPodFactory.DO_NOT_DISRUPT_ANNOTATION;
import static dev.runnerscale.autoscaler.runners.RunnerPodFactory.POOL_LABEL;
import static dev.runnerscale.autoscaler.runners.RunnerPodFactory.REGISTRATION_ANNOTATION;
import static dev.runnerscale.autoscaler.runners.RunnerPodFactory.RUNNER_CONTAINER;
import static dev.runnerscale.autoscaler.runners.RunnerPodFactory.RUNNER_ID_ANNOTATION;
import static dev.runnerscale.autoscaler.runners.RunnerPodFactory.RUNNER_NAME_ANNOTATION;
import static dev.runnerscale.autoscaler.runners.RunnerPodFactory.SLOT_LABEL;
import static dev.runnerscale.autoscaler.runners.RunnerPodFactory.TOOK_JOB_ANNOTATION;

import dev.runnerscale.autoscaler.nodes.KubernetesTimestamps;
import dev.runnerscale.autoscaler.scaling.ObservedRunner;
import dev.runnerscale.autoscaler.scaling.RunnerExit;
import dev.runnerscale.autoscaler.scaling.RunnerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads what a runner pod says about its runner: its pool, slot and GitHub identity (labels and annotations we put
 * there) and what the runner container is doing (the kubelet's container status). Read-only; never modifies a pod,
 * which may be the informer cache's own object.
 */
final class RunnerPods {

    private RunnerPods() {}

    static String pool(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        return labels == null ? null : labels.get(POOL_LABEL);
    }

    static String name(Pod pod) {
        return pod.getMetadata().getName();
    }

    static String annotation(Pod pod, String key) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(key);
    }

    static String runnerName(Pod pod) {
        return annotation(pod, RUNNER_NAME_ANNOTATION);
    }

    /** The GitHub runner id we annotated after registration; empty before (or when the annotation is damaged). */
    static Optional<Long> runnerId(Pod pod) {
        String id = annotation(pod, RUNNER_ID_ANNOTATION);
        if (id == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(id));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Registered with GitHub, or registration deliberately skipped (dry run): either way no registration is due. */
    static boolean registrationSettled(Pod pod) {
        return annotation(pod, RUNNER_ID_ANNOTATION) != null || annotation(pod, REGISTRATION_ANNOTATION) != null;
    }

    static boolean tookJobMarked(Pod pod) {
        return "true".equals(annotation(pod, TOOK_JOB_ANNOTATION))
                // pods marked before took-job existed carry only Karpenter's annotation
                || "true".equals(annotation(pod, DO_NOT_DISRUPT_ANNOTATION));
    }

    static int slot(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        String label = labels == null ? null : labels.get(SLOT_LABEL);
        String name = name(pod);
        String raw = label != null ? label : name.substring(name.lastIndexOf('-') + 1);
        try {
            return Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static boolean deleting(Pod pod) {
        return pod.getMetadata().getDeletionTimestamp() != null;
    }

    /** Not deleting, and neither the pod nor its runner container has started or ended. */
    static boolean pending(Pod pod) {
        String phase = phase(pod);
        return !deleting(pod)
                && (phase == null || "Pending".equals(phase))
                && runnerStatus(pod)
                        .map(s -> s.getState() == null
                                || (s.getState().getRunning() == null
                                        && s.getState().getTerminated() == null))
                        .orElse(true);
    }

    /**
     * The runner as a pass sees it. The runner container decides, not the pod phase: with a Docker-in-Docker sidecar
     * the pod's phase lags the runner, and a runner that exited has ended whatever the sidecar does.
     *
     * @param busyNow GitHub or the ledger says the runner runs a job now
     * @param tookJob the ledger holds a job that ran on this runner (for a runner that ended between two passes)
     */
    static ObservedRunner observe(Pod pod, boolean busyNow, boolean tookJob, Instant now) {
        String name = name(pod);
        int slot = slot(pod);
        Instant created = instant(pod.getMetadata().getCreationTimestamp(), now);
        boolean worked = busyNow || tookJob || tookJobMarked(pod);
        if (deleting(pod)) {
            return new ObservedRunner(name, slot, RunnerState.TERMINATING, created, worked, null, null);
        }
        Optional<ContainerStatus> runner = runnerStatus(pod);
        Optional<ContainerStateTerminated> ended =
                runner.map(ContainerStatus::getState).map(s -> s.getTerminated());
        String phase = phase(pod);
        if (ended.isPresent()) {
            ContainerStateTerminated t = ended.get();
            // the pod's own reason (Evicted) says more than the killed container's (Error)
            String podReason = pod.getStatus().getReason();
            RunnerExit exit = new RunnerExit(t.getExitCode(), podReason != null ? podReason : t.getReason());
            RunnerState state = t.getExitCode() != null && t.getExitCode() == 0 && podReason == null
                    ? RunnerState.SUCCEEDED
                    : RunnerState.FAILED;
            return new ObservedRunner(name, slot, state, instant(t.getFinishedAt(), created), worked, exit, null);
        }
        if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
            // Ended without a terminated runner container: evicted or failed before the runner ran.
            String reason = pod.getStatus().getReason();
            RunnerExit exit = new RunnerExit(null, reason);
            RunnerState state = "Succeeded".equals(phase) ? RunnerState.SUCCEEDED : RunnerState.FAILED;
            return new ObservedRunner(name, slot, state, created, worked, exit, null);
        }
        Optional<Instant> started = runner.map(ContainerStatus::getState)
                .map(s -> s.getRunning())
                .map(r -> instant(r.getStartedAt(), created));
        if (started.isPresent() || ("Running".equals(phase) && runner.isEmpty())) {
            Instant since = started.orElseGet(() -> instant(pod.getStatus().getStartTime(), created));
            RunnerState state = busyNow || tookJobMarked(pod) ? RunnerState.BUSY : RunnerState.IDLE;
            return new ObservedRunner(name, slot, state, since, worked, null, null);
        }
        return new ObservedRunner(name, slot, RunnerState.PENDING, created, worked, null, null);
    }

    /** The pod's node, once the scheduler bound it. */
    static Optional<String> nodeName(Pod pod) {
        return Optional.ofNullable(pod.getSpec() == null ? null : pod.getSpec().getNodeName());
    }

    private static Optional<ContainerStatus> runnerStatus(Pod pod) {
        if (pod.getStatus() == null) {
            return Optional.empty();
        }
        List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
        if (statuses == null) {
            return Optional.empty();
        }
        return statuses.stream()
                .filter(s -> RUNNER_CONTAINER.equals(s.getName()))
                .findFirst();
    }

    private static String phase(Pod pod) {
        return pod.getStatus() == null ? null : pod.getStatus().getPhase();
    }

    static Instant instant(String timestamp, Instant fallback) {
        Instant at = KubernetesTimestamps.parse(timestamp);
        return at == null ? fallback : at;
    }
}
