package dev.runnerscale.autoscaler.webhook;

import dev.runnerscale.autoscaler.jobs.JobObservation;

/**
 * The parts of a {@code workflow_job} delivery the ledger and the policy need.
 *
 * @param fullName {@code owner/repository}
 */
record WorkflowJobEvent(
        String action, JobObservation observation, String owner, String fullName, boolean publicRepository) {}
