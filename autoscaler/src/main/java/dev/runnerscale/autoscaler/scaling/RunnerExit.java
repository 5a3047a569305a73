package dev.runnerscale.autoscaler.scaling;

import java.util.Locale;

/**
 * How a runner container ended, as the kubelet reported it: the exit code of {@code run.sh} (null when the container
 * never ran, for example an evicted pod) and the reason ({@code Completed}, {@code Error}, {@code OOMKilled}, or the
 * pod's own reason such as {@code Evicted}).
 *
 * <p>{@code run.sh} of actions/runner exits 0 for a refused registration, a runner deleted on GitHub, a session
 * conflict and (unless {@code ACTIONS_RUNNER_RETURN_VERSION_DEPRECATED_EXIT_CODE} is set) a deprecated version, so the
 * exit code alone never says the runner worked: whether it took a job does.
 */
public record RunnerExit(Integer exitCode, String reason) {

    public boolean oomKilled() {
        return "OOMKilled".equalsIgnoreCase(reason);
    }

    public boolean evicted() {
        return reason != null && reason.toLowerCase(Locale.ROOT).contains("evict");
    }

    /** For Events and logs: {@code exit code 1 (Error)}. */
    public String describe() {
        String code = exitCode == null ? "no exit code" : "exit code " + exitCode;
        return reason == null || reason.isBlank() ? code : code + " (" + reason + ")";
    }
}
