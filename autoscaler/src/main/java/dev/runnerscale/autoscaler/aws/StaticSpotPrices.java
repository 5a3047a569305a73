package dev.runnerscale.autoscaler.aws;

import dev.runnerscale.autoscaler.cost.Money;
import dev.runnerscale.autoscaler.cost.PricePoint;
import dev.runnerscale.autoscaler.cost.PriceTables;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Spot prices from a fixed table ({@code cost/static-spot-prices.csv}): one price per instance type in every zone,
 * in force since the epoch. For the local default and tests only: these are not market prices, and the logs and the
 * docs say so.
 */
public final class StaticSpotPrices implements SpotPriceSource {

    private final Map<String, BigDecimal> byType;

    public StaticSpotPrices(String csv) {
        Map<String, BigDecimal> m = new HashMap<>();
        for (String[] row : PriceTables.rows(csv, 2)) {
            m.put(row[0].toLowerCase(Locale.ROOT), Money.parse(row[1]));
        }
        this.byType = Map.copyOf(m);
    }

    @Override
    public String name() {
        return "static";
    }

    @Override
    public List<PricePoint> fetch(Set<String> instanceTypes, Set<String> zones, Instant since) {
        List<PricePoint> out = new ArrayList<>();
        for (String type : instanceTypes) {
            BigDecimal price = byType.get(type.toLowerCase(Locale.ROOT));
            if (price != null) {
                zones.forEach(z -> out.add(new PricePoint(type, z, Instant.EPOCH, price)));
            }
        }
        return out;
    }
}
