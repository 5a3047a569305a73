package dev.runnerscale.autoscaler.cost.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnerscale.autoscaler.aws.AwsProperties;
import dev.runnerscale.autoscaler.aws.SpotPriceRefresher;
import dev.runnerscale.autoscaler.aws.StaticSpotPrices;
import dev.runnerscale.autoscaler.cost.CapacityType;
import dev.runnerscale.autoscaler.cost.NodeFacts;
import dev.runnerscale.autoscaler.cost.PricePoint;
import dev.runnerscale.autoscaler.cost.PriceTables;
import dev.runnerscale.autoscaler.cost.Requests;
import dev.runnerscale.autoscaler.cost.SpotPriceBook;
import dev.runnerscale.autoscaler.pools.PoolsProperties;
import dev.runnerscale.autoscaler.testsupport.MutableClock;
import dev.runnerscale.autoscaler.testsupport.SharedReference;
import dev.runnerscale.autoscaler.testsupport.TestPools;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped tables against the shared real rows, the static source and its gauge, start-up validation. */
class PriceSourcesTest {

    private static final long GIB = 1L << 30;

    private static CostProperties properties(CostProperties.SpotPriceSourceKind kind) {
        return new CostProperties(
                true,
                kind,
                Duration.ofMinutes(5),
                Duration.ofDays(1),
                Duration.ofDays(2),
                Duration.ofMinutes(1),
                20,
                Duration.ofMinutes(1),
                Duration.ofSeconds(15),
                Map.of("eu-west-1/m6i.large", new BigDecimal("0.107")),
                Map.of("linux-2-core", new BigDecimal("0.006")));
    }

    @Test
    void theShippedOnDemandTableAgreesWithTheSharedRealRows() {
        PriceTables tables = CostConfiguration.priceTables(properties(CostProperties.SpotPriceSourceKind.NONE));
        List<String[]> shared = PriceTables.rows(SharedReference.read("aws/on-demand-prices-us-east-1.csv"), 2);
        assertThat(shared).isNotEmpty();
        for (String[] row : shared) {
            assertThat(tables.onDemandUsdPerHour("us-east-1", row[0]))
                    .as(row[0])
                    .hasValueSatisfying(p -> assertThat(p).isEqualByComparingTo(row[1]));
        }
        assertThat(tables.onDemandUsdPerHour("eu-west-1", "m6i.large")).hasValue(new BigDecimal("0.107"));
        assertThat(tables.githubHostedUsdPerMinute("linux-4-core")).hasValue(new BigDecimal("0.012"));
    }

    @Test
    void realSpotHistoryRowsBecomePriceIntervalsByZoneId() {
        List<PricePoint> points = new ArrayList<>();
        for (String line :
                SharedReference.read("aws/spot-price-history-2022-05-31.tsv").split("\\R")) {
            String[] c = line.split("\t");
            if (c.length < 5 || c[0].equals("az_id")) {
                continue;
            }
            points.add(new PricePoint(
                    c[1], c[0], java.time.OffsetDateTime.parse(c[4]).toInstant(), new BigDecimal(c[3])));
        }
        SpotPriceBook book = SpotPriceBook.of(points);
        assertThat(book.size()).isEqualTo(points.size());
        PricePoint first = points.get(0);
        assertThat(book.priceAt(first.instanceType(), first.zone(), first.at())).hasValue(first.usdPerHour());
        assertThat(book.priceAt(first.instanceType(), first.zone(), first.at().minusMillis(1)))
                .isEmpty();
    }

    @Test
    void theStaticSourcePricesTheLocalDefaultAndTheGaugeFollowsTheNodesInUse() {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-02T10:00:00Z"));
        FixedNodes nodes = new FixedNodes()
                .add(
                        new NodeFacts(
                                "spot-a",
                                "m5.large",
                                "us-east-1a",
                                null,
                                CapacityType.SPOT,
                                new Requests(1930, 7 * GIB)),
                        null,
                        clock.instant())
                .add(
                        new NodeFacts(
                                "od-a",
                                "m5.large",
                                "us-east-1a",
                                null,
                                CapacityType.ON_DEMAND,
                                new Requests(1930, 7 * GIB)),
                        null,
                        clock.instant());
        PriceService prices =
                new PriceService(CostConfiguration.priceTables(properties(CostProperties.SpotPriceSourceKind.STATIC)));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SpotPriceRefresher refresher = new SpotPriceRefresher(
                new StaticSpotPrices(CostConfiguration.resource("cost/static-spot-prices.csv")),
                prices,
                nodes,
                registry,
                clock,
                Duration.ofDays(1),
                Duration.ofDays(2));

        assertThat(refresher.refresh()).isEqualTo(1);
        assertThat(registry.get("runnerscale_spot_price_usd_per_hour")
                        .tag("instance_type", "m5.large")
                        .tag("zone", "us-east-1a")
                        .gauge()
                        .value())
                .isEqualTo(0.037);
        assertThat(registry.find("runnerscale_spot_price_usd_per_hour").gauges())
                .hasSize(1);
        assertThat(prices.prices()
                        .segments(
                                nodes.facts("spot-a").orElseThrow(),
                                clock.instant(),
                                clock.instant().plusSeconds(60)))
                .isPresent();

        nodes.nodes.remove("spot-a");
        refresher.refresh();
        assertThat(registry.find("runnerscale_spot_price_usd_per_hour").gauges())
                .isEmpty();
    }

    @Test
    void autoScalingGroupsOrAnEc2PriceSourceWithoutARegionStopTheStartNamingTheKey() {
        AwsProperties noRegion = new AwsProperties(
                "",
                null,
                AwsProperties.RetryMode.STANDARD,
                3,
                Duration.ofSeconds(20),
                new AwsProperties.CircuitBreaker(50, 10, 5, Duration.ofSeconds(30)));
        PoolsProperties.Pool base =
                TestPools.pool("name", "asg", "labels", "x", "github.owner", "acme", "namespace", "runners");
        PoolsProperties.Pool asg = TestPools.pool(
                "name", "asg",
                "labels", "x",
                "github.owner", "acme",
                "namespace", "runners",
                "capacity.provider", "auto-scaling-group",
                "capacity.auto-scaling-group.spot-group", "s",
                "capacity.auto-scaling-group.on-demand-group", "o",
                "capacity.auto-scaling-group.pods-per-node", "1");
        CostConfiguration configuration = new CostConfiguration();
        assertThatThrownBy(() -> configuration.awsHolder(
                        noRegion,
                        properties(CostProperties.SpotPriceSourceKind.NONE),
                        new PoolsProperties(List.of(asg)),
                        new SimpleMeterRegistry()))
                .hasMessageContaining("runnerscale.aws.region")
                .hasMessageContaining("runnerscale.pools[0].capacity.provider");
        assertThatThrownBy(() -> configuration.awsHolder(
                        noRegion,
                        properties(CostProperties.SpotPriceSourceKind.EC2),
                        new PoolsProperties(List.of(base)),
                        new SimpleMeterRegistry()))
                .hasMessageContaining("runnerscale.aws.region")
                .hasMessageContaining("spot-price-source");
        // karpenter and external pools need no AWS: nothing is built
        assertThat(configuration
                        .awsHolder(
                                noRegion,
                                properties(CostProperties.SpotPriceSourceKind.AUTO),
                                new PoolsProperties(List.of(base)),
                                new SimpleMeterRegistry())
                        .clients())
                .isNull();
    }
}
