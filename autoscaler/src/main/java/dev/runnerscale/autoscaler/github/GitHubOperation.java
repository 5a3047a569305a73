package dev.runnerscale.autoscaler.github;

import java.util.Locale;

/** The GitHub calls we make: the bounded {@code operation} tag of {@code runnerscale_github_requests_total}. */
public enum GitHubOperation {
    JIT_CONFIG,
    LIST_RUNNERS,
    DELETE_RUNNER,
    GET_JOB,
    RERUN_JOB,
    GET_INSTALLATION,
    INSTALLATION_TOKEN,
    LIST_DELIVERIES,
    REDELIVER,
    RATE_LIMIT;

    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
