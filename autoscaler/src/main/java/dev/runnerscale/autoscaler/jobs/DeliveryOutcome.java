package dev.runnerscale.autoscaler.jobs;

/** What the ledger did with one delivery, after the commit. */
public enum DeliveryOutcome {
    /** First time this delivery id was seen: merged into the job's row. */
    RECORDED,
    /** The delivery id was already recorded (a redelivery): nothing changed. */
    DUPLICATE
}
