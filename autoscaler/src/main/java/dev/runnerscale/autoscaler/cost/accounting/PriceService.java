package dev.runnerscale.autoscaler.cost.accounting;

import dev.runnerscale.autoscaler.cost.NodePrices;
import dev.runnerscale.autoscaler.cost.PricePoint;
import dev.runnerscale.autoscaler.cost.PriceTables;
import dev.runnerscale.autoscaler.cost.SpotPriceBook;
import java.time.Instant;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicReference;

/** The prices in force: the spot price book (replaced on each refresh) and the on-demand and GitHub-hosted tables. */
public class PriceService {

    private final AtomicReference<SpotPriceBook> spot = new AtomicReference<>(SpotPriceBook.empty());
    private final PriceTables tables;

    public PriceService(PriceTables tables) {
        this.tables = tables;
    }

    public NodePrices prices() {
        return new NodePrices(spot.get(), tables);
    }

    public SpotPriceBook spotBook() {
        return spot.get();
    }

    public PriceTables tables() {
        return tables;
    }

    /** Adds fetched points and forgets those older than {@code keepAfter} (but the price in effect then). */
    public void addSpotPoints(Collection<PricePoint> points, Instant keepAfter) {
        spot.updateAndGet(book -> book.with(points).prunedBefore(keepAfter));
    }
}
