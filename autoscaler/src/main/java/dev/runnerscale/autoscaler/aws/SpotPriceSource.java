package dev.runnerscale.autoscaler.aws;

import dev.runnerscale.autoscaler.cost.PricePoint;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Where spot price points come from: EC2's price history, or the static table of the local default. */
public interface SpotPriceSource {

    /** Price changes since {@code since} (and the price in effect then) for these instance types in these zones. */
    List<PricePoint> fetch(Set<String> instanceTypes, Set<String> zones, Instant since);

    /** {@code ec2} or {@code static}: shown in logs and docs, so a static price is never mistaken for a market one. */
    String name();
}
