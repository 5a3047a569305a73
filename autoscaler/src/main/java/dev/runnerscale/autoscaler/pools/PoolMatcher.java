package dev.runnerscale.autoscaler.pools;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Finds the runner pool a job belongs to. A job can only run on a runner registered where its repository can see
 * it, so a pool is a candidate only when the job's repository is inside the pool's GitHub scope (the organisation,
 * or the one repository of a repository-scoped pool) and, when the pool lists repositories, on that list. Among the
 * candidates, the pool whose labels contain all of the job's labels (case-insensitive) matches; when several do, the
 * most specific one (fewest labels the job did not ask for) wins; ties go to the pool configured first. A job without
 * labels matches nothing: it cannot have asked for our runners.
 */
@Component
public class PoolMatcher {

    private record Candidate(
            String name, Set<String> labels, String owner, String repository, RepositoryPatterns repositories) {

        boolean serves(String jobOwner, String jobRepository) {
            if (!owner.equalsIgnoreCase(jobOwner)) {
                return false;
            }
            if (!repository.isBlank()) {
                return repository.equalsIgnoreCase(jobRepository);
            }
            return repositories.isEmpty() || repositories.matches(jobOwner, jobRepository);
        }
    }

    private final List<Candidate> pools;

    public PoolMatcher(PoolsProperties properties) {
        this.pools = properties.pools().stream()
                .map(p -> new Candidate(
                        p.name(),
                        p.normalizedLabels(),
                        p.github().owner(),
                        p.github().repository() == null ? "" : p.github().repository(),
                        RepositoryPatterns.of(p.github().repositories())))
                .toList();
    }

    /**
     * The name of the matching pool, or empty when the job is not ours.
     *
     * @param owner the job's repository owner (organisation or user login)
     * @param repository the job's repository name
     */
    public Optional<String> match(String owner, String repository, Collection<String> jobLabels) {
        Set<String> wanted = normalize(jobLabels);
        if (wanted.isEmpty() || owner == null || repository == null) {
            return Optional.empty();
        }
        Candidate best = null;
        for (Candidate pool : pools) {
            if (pool.serves(owner, repository)
                    && pool.labels().containsAll(wanted)
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
