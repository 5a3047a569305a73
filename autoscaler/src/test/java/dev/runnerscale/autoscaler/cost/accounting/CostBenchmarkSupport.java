package dev.runnerscale.autoscaler.cost.accounting;

import dev.runnerscale.autoscaler.cost.NodeFacts;
import dev.runnerscale.autoscaler.cost.PriceTables;
import dev.runnerscale.autoscaler.cost.RepositoryLabels;
import dev.runnerscale.autoscaler.cost.SpotPriceBook;
import dev.runnerscale.autoscaler.pools.PoolsProperties;
import dev.runnerscale.autoscaler.testsupport.TestPools;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/** Wiring for {@code CostBenchmark} (package-private parts of the accounting). */
public final class CostBenchmarkSupport {

    private CostBenchmarkSupport() {}

    public static PriceTables tables() {
        return CostConfiguration.priceTables(new CostProperties(
                true,
                CostProperties.SpotPriceSourceKind.NONE,
                Duration.ofMinutes(5),
                Duration.ofDays(1),
                Duration.ofDays(2),
                Duration.ofMinutes(1),
                20,
                Duration.ofMinutes(1),
                Duration.ofSeconds(15),
                Map.of(),
                Map.of()));
    }

    public static CostAccountant accountant(JdbcTemplate jdbc, SpotPriceBook book, NodeFacts node) {
        // the book the benchmark built, as the spot price refresher would have left it; the tables read once, as the
        // application reads them at start-up
        PriceTables tables = tables();
        PriceService withBook = new PriceService(tables) {
            @Override
            public dev.runnerscale.autoscaler.cost.NodePrices prices() {
                return new dev.runnerscale.autoscaler.cost.NodePrices(book, tables);
            }
        };
        FixedNodes nodes = new FixedNodes().add(node, "spot", java.time.Instant.EPOCH);
        PoolsProperties.Pool pool =
                TestPools.pool("name", "spot", "labels", "self-hosted", "github.owner", "acme", "namespace", "runners");
        return new CostAccountant(
                new JdbcCostLedger(jdbc),
                withBook,
                nodes,
                new CostMetrics(new SimpleMeterRegistry(), new RepositoryLabels(20, List.of())),
                new PoolsProperties(List.of(pool)),
                Clock.systemUTC());
    }
}
