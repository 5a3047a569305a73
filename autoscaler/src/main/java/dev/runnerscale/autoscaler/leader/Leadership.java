package dev.runnerscale.autoscaler.leader;

/**
 * Whether this replica currently leads. Every replica accepts webhooks; only the leader reconciles runners and
 * talks to GitHub on its own initiative (missed-event repair, redelivery), so that GitHub sees one caller.
 */
public interface Leadership {

    boolean isLeader();
}
