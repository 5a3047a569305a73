package dev.runnerscale.autoscaler.cost;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which repositories get their own {@code runnerscale_repository_cost_usd_total{repository}} series: at most
 * {@code limit}, the rest count as {@code other}, so the metric stays bounded whatever the number of repositories.
 *
 * <p>A counter must only go up while it exists, so membership is sticky: the set is seeded with the top spenders
 * of the previous 30 days (from the ledger, at start and at each month's start), and a repository not in it joins
 * only while there is room. Within one membership period a member's series counts everything it spent since it
 * joined and {@code other} everything else, so the sum over all series always equals
 * {@code runnerscale_cost_usd_total}. When membership is recomputed, leavers' series are removed (a counter that
 * disappears is what Prometheus expects) and their spend goes to {@code other} from then on. Exact per-repository
 * spend over any window is the finance report's job, not this metric's.
 */
public final class RepositoryLabels {

    public static final String OTHER = "other";

    private final int limit;
    private final Set<String> members;

    public RepositoryLabels(int limit, List<String> topSpendersFirst) {
        this.limit = limit;
        this.members = new LinkedHashSet<>();
        for (String r : topSpendersFirst) {
            if (members.size() >= limit) {
                break;
            }
            if (r != null && !r.equals(OTHER)) {
                members.add(r);
            }
        }
    }

    /** The label for a repository's spend: its own name while a member (joining if there is room), else other. */
    public synchronized String label(String repository) {
        if (repository == null || repository.isBlank()) {
            return OTHER;
        }
        if (members.contains(repository)) {
            return repository;
        }
        if (members.size() < limit && !repository.equals(OTHER)) {
            members.add(repository);
            return repository;
        }
        return OTHER;
    }

    public synchronized Set<String> members() {
        return Set.copyOf(members);
    }
}
