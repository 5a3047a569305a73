package dev.runnerscale.autoscaler.jobs;

/**
 * Published (as a Spring application event, after the transaction committed) when a delivery changed the demand of
 * a pool. The reconciler only uses it as a trigger; it re-reads the whole ledger in its pass.
 */
public record JobLedgerChanged(String pool) {}
