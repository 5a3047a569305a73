package dev.runnerscale.autoscaler.leader;

/** Published when this replica starts or stops leading; a new leader runs a full reconcile pass at once. */
public record LeadershipChanged(boolean leader) {}
