package dev.runnerscale.autoscaler.pools;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Finds the runner pool a job belongs to: the pool whose labels contain all of the job's labels (case-insensitive).
 * When several pools match, the most specific one (fewest labels the job did not ask for) wins; ties go to the pool
 * configured first. A job without labels matches nothing: it cannot have asked for our runners.
 */
@Component
public class PoolMatcher {

    private record Candidate(String name, Set<String> labels) {}

    private final List<Candidate> pools;

    public PoolMatcher(PoolsProperties properties) {
        this.pools = properties.pools().stream()
                .map(p -> new Candidate(p.name(), p.normalizedLabels()))
                .toList();
    }

    /** The name of the matching pool, or empty when the job is not ours. */
    public Optional<String> match(Collection<String> jobLabels) {
        Set<String> wanted = normalize(jobLabels);
        if (wanted.isEmpty()) {
            return Optional.empty();
        }
        Candidate best = null;
        for (Candidate pool : pools) {
            if (pool.labels().containsAll(wanted)
                    && (best == null || pool.labels().size() < best.labels().size())) {
                // strictly fewer extra labels only: on a tie the pool configured first stays
                best = pool;
            }
        }
        return Optional.ofNullable(best).map(Candidate::name);
    }

    private static Set<String> normalize(Collection<String> labels) {
        Set<String> out = new HashSet<>();
        for (String label : labels) {
            if (label != null && !label.isBlank()) {
                out.add(label.trim().toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }
}
