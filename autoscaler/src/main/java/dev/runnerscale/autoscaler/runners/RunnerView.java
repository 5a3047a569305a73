package dev.runnerscale.autoscaler.runners;

/** One runner as the operator sees it; {@code runnerId} is null until GitHub registered it. */
public record RunnerView(String pool, String pod, Long runnerId, String runnerName, String state, long ageSeconds) {}
