package dev.runnerscale.autoscaler.jobs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Observations of one job as GitHub's four deliveries describe it, and the orderings the merge must survive. */
final class Observations {

    static final Instant CREATED = Instant.parse("2026-11-21T10:00:00Z");
    static final Instant STARTED = Instant.parse("2026-11-21T10:00:30Z");
    static final Instant COMPLETED = Instant.parse("2026-11-21T10:05:30Z");

    private Observations() {}

    /** The delivery of {@code status} for job {@code id}, as GitHub fills it (bogus queued-time fields included). */
    static JobObservation of(long id, JobStatus status, String deliveryId, Instant receivedAt) {
        return of(id, status, deliveryId, receivedAt, "runner-42");
    }

    /** The same, run by the runner named {@code runnerName} once in progress. */
    static JobObservation of(long id, JobStatus status, String deliveryId, Instant receivedAt, String runnerName) {
        boolean running = status.rank() >= JobStatus.IN_PROGRESS.rank();
        boolean completed = status == JobStatus.COMPLETED;
        return new JobObservation(
                id,
                id / 10 + 1,
                1,
                "acme",
                "app",
                "CI",
                "build",
                List.of("self-hosted", "linux", "x64"),
                status,
                completed ? "success" : null,
                CREATED,
                running ? STARTED : CREATED, // GitHub sends started_at = created_at while queued
                completed ? COMPLETED : null,
                running ? 42L : 7L, // one octokit example fills runner fields while queued: they must be ignored
                running ? runnerName : "bogus",
                deliveryId,
                receivedAt);
    }

    /** A {@code queued} delivery of job {@code job} under its own delivery id, as the intake hands it on. */
    static JobDelivery queuedDelivery(String deliveryId, long job, String pool, Instant receivedAt) {
        return new JobDelivery(deliveryId, "queued", of(job, JobStatus.QUEUED, deliveryId, receivedAt), pool, false);
    }

    /** Every permutation of {@code items}. */
    static <T> List<List<T>> permutations(List<T> items) {
        List<List<T>> out = new ArrayList<>();
        permute(new ArrayList<>(items), 0, out);
        return out;
    }

    private static <T> void permute(List<T> items, int k, List<List<T>> out) {
        if (k == items.size()) {
            out.add(List.copyOf(items));
            return;
        }
        for (int i = k; i < items.size(); i++) {
            java.util.Collections.swap(items, k, i);
            permute(items, k + 1, out);
            java.util.Collections.swap(items, k, i);
        }
    }

    /**
     * All orderings of the four statuses, each also with every one of them delivered twice (a redelivery with the
     * same delivery id) at every position: 24 + 24 * 4 * 5 sequences.
     */
    static List<List<JobStatus>> orderingsWithDuplicates() {
        List<List<JobStatus>> out = new ArrayList<>();
        for (List<JobStatus> p : permutations(List.of(JobStatus.values()))) {
            out.add(p);
            for (JobStatus dup : JobStatus.values()) {
                for (int at = 0; at <= p.size(); at++) {
                    List<JobStatus> withDup = new ArrayList<>(p);
                    withDup.add(at, dup);
                    out.add(withDup);
                }
            }
        }
        return out;
    }

    /** Delivery id per status: a duplicate reuses it, as GitHub's redelivery does. */
    static String deliveryId(long jobId, JobStatus status) {
        return "d-" + jobId + "-" + status.rank();
    }

    /** Receipt time per status, fixed, so that receipt fields are comparable across orderings. */
    static Instant receivedAt(JobStatus status) {
        return Instant.parse("2026-11-21T11:00:00Z").plusSeconds(status.rank());
    }
}
