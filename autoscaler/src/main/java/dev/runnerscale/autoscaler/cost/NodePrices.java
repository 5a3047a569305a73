package dev.runnerscale.autoscaler.cost;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A node's hourly price over time: spot nodes from the spot price book (looked up by zone id, then zone name),
 * on-demand nodes from the on-demand table of their region. A node of unknown capacity type, instance type or
 * zone has no known price.
 */
public final class NodePrices {

    private final SpotPriceBook spot;
    private final PriceTables tables;

    public NodePrices(SpotPriceBook spot, PriceTables tables) {
        this.spot = spot;
        this.tables = tables;
    }

    public PriceTables tables() {
        return tables;
    }

    /** The node's price over [{@code from}, {@code to}) as segments, or empty when any part of it is unknown. */
    public Optional<List<PriceSegment>> segments(NodeFacts node, Instant from, Instant to) {
        if (node.instanceType() == null) {
            return Optional.empty();
        }
        return switch (node.capacityType()) {
            case SPOT -> spotSegments(node, from, to);
            case ON_DEMAND -> onDemandUsdPerHour(node).map(p -> List.of(new PriceSegment(from, to, p)));
            case UNKNOWN -> Optional.empty();
        };
    }

    /** What the node's instance type costs on demand in its region: the "same minutes on demand" comparison. */
    public Optional<BigDecimal> onDemandUsdPerHour(NodeFacts node) {
        return node.region().flatMap(r -> tables.onDemandUsdPerHour(r, node.instanceType()));
    }

    private Optional<List<PriceSegment>> spotSegments(NodeFacts node, Instant from, Instant to) {
        Optional<List<PriceSegment>> byId =
                node.zoneId() == null ? Optional.empty() : spot.segments(node.instanceType(), node.zoneId(), from, to);
        if (byId.isPresent()) {
            return byId;
        }
        return node.zone() == null ? Optional.empty() : spot.segments(node.instanceType(), node.zone(), from, to);
    }
}
