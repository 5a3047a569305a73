package dev.runnerscale.autoscaler.cost.accounting;

/**
 * A job's cost as {@code GET /api/v1/jobs/{id}} shows it under {@code cost} (money as decimal strings; a null
 * amount is an unknown price).
 *
 * @param usd the runner's whole cost (waiting for the job plus running it)
 * @param waitingUsd the part before the job started
 * @param runningUsd the part while the job ran
 * @param onDemandUsd the same share of the same node on demand for the same time
 * @param githubHostedUsd the job on a GitHub-hosted runner of the pool's size (every started minute)
 * @param runnerSeconds the runner's lifetime
 * @param jobSeconds the job's time on the runner
 */
public record JobCost(
        String usd,
        String waitingUsd,
        String runningUsd,
        String onDemandUsd,
        String githubHostedUsd,
        String instanceType,
        String zone,
        String capacityType,
        long runnerSeconds,
        long jobSeconds) {}
