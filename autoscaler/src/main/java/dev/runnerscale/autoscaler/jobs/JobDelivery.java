package dev.runnerscale.autoscaler.jobs;

import java.time.Instant;

/**
 * One accepted {@code workflow_job} delivery on its way into the ledger.
 *
 * @param pool the matched pool, null when the job is not ours
 * @param refused the policy refused the job (owner not allowed, public repository): stored, never demand
 */
public record JobDelivery(String deliveryId, String action, JobObservation observation, String pool, boolean refused) {

    public Instant receivedAt() {
        return observation.receivedAt();
    }

    /** The outcome stored beside the delivery id, and the metric's {@code outcome} tag on success. */
    public String outcome() {
        if (refused) {
            return "refused";
        }
        return pool == null ? "unmatched" : "accepted";
    }
}
