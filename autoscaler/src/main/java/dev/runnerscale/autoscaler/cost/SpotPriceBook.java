package dev.runnerscale.autoscaler.cost;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Spot prices as intervals per (instance type, zone), built from price-history points: each point holds from its
 * timestamp until the next point of the same key. Immutable: a refresh builds a new book ({@link #with}).
 *
 * <p>A time before the first known point of a key has no known price: {@link #segments} then answers empty, and
 * the cost that needs it is unknown, never zero.
 */
public final class SpotPriceBook {

    private record Key(String instanceType, String zone) {}

    private static final SpotPriceBook EMPTY = new SpotPriceBook(Map.of());

    private final Map<Key, NavigableMap<Instant, BigDecimal>> prices;

    private SpotPriceBook(Map<Key, NavigableMap<Instant, BigDecimal>> prices) {
        this.prices = prices;
    }

    public static SpotPriceBook empty() {
        return EMPTY;
    }

    public static SpotPriceBook of(Collection<PricePoint> points) {
        return EMPTY.with(points);
    }

    /** A new book with these points added (a point at an instant already known replaces it). */
    public SpotPriceBook with(Collection<PricePoint> points) {
        if (points.isEmpty()) {
            return this;
        }
        Map<Key, NavigableMap<Instant, BigDecimal>> next = new HashMap<>();
        prices.forEach((k, v) -> next.put(k, new TreeMap<>(v)));
        for (PricePoint p : points) {
            next.computeIfAbsent(new Key(p.instanceType(), p.zone()), k -> new TreeMap<>())
                    .put(p.at(), p.usdPerHour());
        }
        return new SpotPriceBook(freeze(next));
    }

    /**
     * Forgets points that can no longer matter: for each key, every point before {@code cutoff} except the last one
     * (which still gives the price at the cutoff), so the book stays bounded however long the process runs.
     */
    public SpotPriceBook prunedBefore(Instant cutoff) {
        Map<Key, NavigableMap<Instant, BigDecimal>> next = new HashMap<>();
        prices.forEach((k, v) -> {
            Instant keep = v.floorKey(cutoff);
            next.put(k, new TreeMap<>(keep == null ? v : v.tailMap(keep, true)));
        });
        return new SpotPriceBook(freeze(next));
    }

    /** The price in effect at an instant, if known. */
    public Optional<BigDecimal> priceAt(String instanceType, String zone, Instant at) {
        NavigableMap<Instant, BigDecimal> series = prices.get(new Key(instanceType, zone));
        if (series == null) {
            return Optional.empty();
        }
        Map.Entry<Instant, BigDecimal> e = series.floorEntry(at);
        return e == null ? Optional.empty() : Optional.of(e.getValue());
    }

    /**
     * The prices over [{@code from}, {@code to}) as consecutive segments, one per price in effect; empty when any
     * part of the window has no known price.
     */
    public Optional<List<PriceSegment>> segments(String instanceType, String zone, Instant from, Instant to) {
        NavigableMap<Instant, BigDecimal> series = prices.get(new Key(instanceType, zone));
        if (series == null || !to.isAfter(from)) {
            return series == null ? Optional.empty() : Optional.of(List.of());
        }
        Map.Entry<Instant, BigDecimal> first = series.floorEntry(from);
        if (first == null) {
            return Optional.empty();
        }
        List<PriceSegment> out = new ArrayList<>();
        Instant start = from;
        BigDecimal price = first.getValue();
        for (Map.Entry<Instant, BigDecimal> change :
                series.subMap(from, false, to, false).entrySet()) {
            out.add(new PriceSegment(start, change.getKey(), price));
            start = change.getKey();
            price = change.getValue();
        }
        out.add(new PriceSegment(start, to, price));
        return Optional.of(List.copyOf(out));
    }

    /** The (instance type, zone) pairs with at least one point, as {@code type + " " + zone}. */
    public Set<String> keys() {
        Set<String> out = new java.util.TreeSet<>();
        prices.keySet().forEach(k -> out.add(k.instanceType() + " " + k.zone()));
        return out;
    }

    public int size() {
        return prices.values().stream().mapToInt(Map::size).sum();
    }

    private static Map<Key, NavigableMap<Instant, BigDecimal>> freeze(Map<Key, NavigableMap<Instant, BigDecimal>> m) {
        Map<Key, NavigableMap<Instant, BigDecimal>> out = new HashMap<>();
        m.forEach((k, v) -> out.put(k, java.util.Collections.unmodifiableNavigableMap(v)));
        return java.util.Collections.unmodifiableMap(out);
    }
}
