package dev.runnerscale.autoscaler.cost;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

/** A stretch of time [{@code from}, {@code to}) at one hourly price. */
public record PriceSegment(Instant from, Instant to, BigDecimal usdPerHour) {

    public PriceSegment {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("segment ends before it starts");
        }
    }

    public Duration duration() {
        return Duration.between(from, to);
    }

    /** The same price over the part of this segment inside [{@code start}, {@code end}), or null when disjoint. */
    PriceSegment clip(Instant start, Instant end) {
        Instant f = from.isAfter(start) ? from : start;
        Instant t = to.isBefore(end) ? to : end;
        return t.isAfter(f) ? new PriceSegment(f, t, usdPerHour) : null;
    }
}
