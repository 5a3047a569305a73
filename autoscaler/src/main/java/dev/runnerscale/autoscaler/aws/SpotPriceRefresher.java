package dev.runnerscale.autoscaler.aws;

import dev.runnerscale.autoscaler.cost.CapacityType;
import dev.runnerscale.autoscaler.cost.NodeFacts;
import dev.runnerscale.autoscaler.cost.PricePoint;
import dev.runnerscale.autoscaler.cost.accounting.PriceService;
import dev.runnerscale.autoscaler.cost.accounting.RunnerNodes;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refreshes spot prices on a schedule for the instance types and zones of the spot nodes that exist now, into the
 * cached {@link PriceService} book, and publishes {@code runnerscale_spot_price_usd_per_hour{instance_type,zone}}
 * for exactly those (a key no node uses any more is removed, so the gauge stays bounded).
 */
public class SpotPriceRefresher {

    private static final Logger log = LoggerFactory.getLogger(SpotPriceRefresher.class);

    private final SpotPriceSource source;
    private final PriceService prices;
    private final RunnerNodes nodes;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Duration lookback;
    private final Duration keep;
    private final Map<List<String>, Meter> gauges = new HashMap<>();
    private Instant lastFetch;
    private Set<String> lastKeys = Set.of();

    public SpotPriceRefresher(
            SpotPriceSource source,
            PriceService prices,
            RunnerNodes nodes,
            MeterRegistry registry,
            Clock clock,
            Duration lookback,
            Duration keep) {
        this.source = source;
        this.prices = prices;
        this.nodes = nodes;
        this.registry = registry;
        this.clock = clock;
        this.lookback = lookback;
        this.keep = keep;
    }

    /**
     * A refresh only when a spot node of an instance type and zone without prices appeared (a runner there must not be
     * priced before its price is known); returns the number of points fetched.
     */
    public synchronized int refreshIfNew() {
        Set<String> keys = new TreeSet<>();
        nodes.current().stream()
                .map(RunnerNodes.RunnerNode::facts)
                .filter(f -> f.capacityType() == CapacityType.SPOT && f.instanceType() != null && f.zone() != null)
                .forEach(f -> keys.add(f.instanceType() + " " + f.zone()));
        return lastKeys.containsAll(keys) ? 0 : refresh();
    }

    /** One refresh; returns the number of points fetched. */
    public synchronized int refresh() {
        Instant now = clock.instant();
        List<NodeFacts> spot = nodes.current().stream()
                .map(RunnerNodes.RunnerNode::facts)
                .filter(f -> f.capacityType() == CapacityType.SPOT && f.instanceType() != null && f.zone() != null)
                .toList();
        Set<String> types = new TreeSet<>();
        Set<String> zones = new TreeSet<>();
        Set<String> keys = new TreeSet<>();
        spot.forEach(f -> {
            types.add(f.instanceType());
            zones.add(f.zone());
            keys.add(f.instanceType() + " " + f.zone());
        });
        int fetched = 0;
        if (!types.isEmpty()) {
            // a new type or zone needs its history from the look-back on; otherwise only what changed since the last
            Instant since = lastFetch == null || !lastKeys.containsAll(keys) ? now.minus(lookback) : lastFetch;
            List<PricePoint> points = source.fetch(types, zones, since);
            prices.addSpotPoints(points, now.minus(keep));
            fetched = points.size();
            lastFetch = now;
            lastKeys = keys;
            log.debug("spot prices from {}: {} points for {} in {}", source.name(), fetched, types, zones);
        }
        publish(spot);
        return fetched;
    }

    private void publish(List<NodeFacts> spot) {
        Map<List<String>, NodeFacts> wanted = new HashMap<>();
        spot.forEach(f -> wanted.put(List.of(f.instanceType(), f.zone()), f));
        gauges.entrySet().removeIf(e -> {
            if (!wanted.containsKey(e.getKey())) {
                registry.remove(e.getValue());
                return true;
            }
            return false;
        });
        wanted.forEach((key, facts) -> gauges.computeIfAbsent(
                key,
                k -> Gauge.builder(
                                "runnerscale_spot_price_usd_per_hour",
                                () -> prices.prices()
                                        .segments(
                                                facts,
                                                clock.instant(),
                                                clock.instant().plusMillis(1))
                                        .flatMap(s -> s.stream().findFirst())
                                        .map(s -> s.usdPerHour().doubleValue())
                                        .orElse(Double.NaN))
                        .description("Spot price in force (" + source.name() + " source)")
                        .tag("instance_type", k.get(0))
                        .tag("zone", k.get(1))
                        .register(registry)));
    }
}
