package dev.runnerscale.autoscaler.queuetime;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * When each pool was at its max with jobs queued ("waiting for capacity"), as the reconcile passes saw it, so that a
 * job's queue wait can be split: the part of {@code [queued, started]} that falls into these intervals is the
 * {@code capacity} part. Intervals open at the first pass that finds the pool capped and close at the first that does
 * not.
 *
 * <p>Bounded: intervals that ended more than {@code horizon} ago (GitHub cancels a job queued for 24 hours, so no wait
 * is longer) are dropped, and at most {@value #MAX_INTERVALS} are kept per pool. Held in memory by the replica that
 * reconciles; a new leader starts without the old one's history, so a wait that spans a hand-over counts the part
 * before it as {@code runner_start}.
 */
public final class CapacityWaits {

    static final int MAX_INTERVALS = 4096;

    private record Interval(Instant from, Instant to) {}

    private static final class History {
        final Deque<Interval> closed = new ArrayDeque<>();
        Instant openSince;
    }

    private final Duration horizon;
    private final Map<String, History> pools = new HashMap<>();

    public CapacityWaits(Duration horizon) {
        this.horizon = horizon;
    }

    /** A pass found the pool capped (demand above max, jobs queued) or not, at {@code at}. */
    public synchronized void observe(String pool, boolean atMax, Instant at) {
        History h = pools.computeIfAbsent(pool, p -> new History());
        if (atMax && h.openSince == null) {
            h.openSince = at;
        } else if (!atMax && h.openSince != null) {
            if (at.isAfter(h.openSince)) {
                h.closed.addLast(new Interval(h.openSince, at));
            }
            h.openSince = null;
        }
        Instant cutoff = at.minus(horizon);
        while (!h.closed.isEmpty() && h.closed.peekFirst().to().isBefore(cutoff)) {
            h.closed.pollFirst();
        }
        while (h.closed.size() > MAX_INTERVALS) {
            h.closed.pollFirst();
        }
    }

    /** How much of {@code [from, to]} the pool spent at its max (an interval still open counts up to {@code to}). */
    public synchronized Duration during(String pool, Instant from, Instant to) {
        History h = pools.get(pool);
        if (h == null || from == null || to == null || !to.isAfter(from)) {
            return Duration.ZERO;
        }
        Duration total = Duration.ZERO;
        for (Interval i : h.closed) {
            total = total.plus(overlap(i.from(), i.to(), from, to));
        }
        if (h.openSince != null) {
            total = total.plus(overlap(h.openSince, to, from, to));
        }
        return total;
    }

    /** This replica no longer reconciles: its history would go stale. */
    public synchronized void forget() {
        pools.clear();
    }

    private static Duration overlap(Instant a, Instant b, Instant from, Instant to) {
        Instant start = a.isAfter(from) ? a : from;
        Instant end = b.isBefore(to) ? b : to;
        return end.isAfter(start) ? Duration.between(start, end) : Duration.ZERO;
    }
}
