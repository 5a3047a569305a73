package dev.runnerscale.autoscaler.leader;

/** A single replica (leader election disabled): it always leads. */
public final class AlwaysLeader implements Leadership {

    @Override
    public boolean isLeader() {
        return true;
    }
}
