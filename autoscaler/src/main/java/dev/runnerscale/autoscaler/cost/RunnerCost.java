package dev.runnerscale.autoscaler.cost;

import java.math.BigDecimal;

/**
 * What a runner cost, to the stored scale ({@link Money#SCALE}). A null amount is unknown (a price was missing),
 * never zero.
 *
 * @param usd the runner's whole cost: node price × share × lifetime, piecewise over price changes
 * @param runningUsd the part while its job ran; {@code usd - runningUsd} is the part waiting for a job
 * @param onDemandUsd what the same share of the same node would have cost on demand for the same time
 * @param githubHostedUsd the job on a GitHub-hosted runner of the pool's size: every started minute billed
 * @param runnerMillis the runner's lifetime
 * @param jobMillis the job's time on the runner
 */
public record RunnerCost(
        BigDecimal usd,
        BigDecimal runningUsd,
        BigDecimal onDemandUsd,
        BigDecimal githubHostedUsd,
        long runnerMillis,
        long jobMillis,
        String instanceType,
        String zone,
        CapacityType capacityType) {

    public boolean known() {
        return usd != null;
    }

    /** The part waiting for a job (total minus running, so the two parts always add up to the total). */
    public BigDecimal waitingUsd() {
        return usd == null ? null : usd.subtract(runningUsd);
    }
}
