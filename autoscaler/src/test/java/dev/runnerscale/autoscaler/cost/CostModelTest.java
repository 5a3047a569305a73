package dev.runnerscale.autoscaler.cost;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The cost arithmetic against cases computed by hand (the arithmetic is written out beside each expectation), to
 * 1/10,000 of a cent: OpenCost's weights 31611 per vCPU and 4237 per GiB, one rounding per stored amount.
 */
class CostModelTest {

    private static final long GIB = 1L << 30;
    private static final Instant T10 = Instant.parse("2026-03-02T10:00:00Z");

    private static BigDecimal usd(String v) {
        return new BigDecimal(v);
    }

    private static Instant at(String hhmmss) {
        return Instant.parse("2026-03-02T" + hhmmss + "Z");
    }

    private static final PriceTables TABLES = new PriceTables(
            Map.of(
                    PriceTables.onDemandKey("us-east-1", "m5.large"), usd("0.096"),
                    PriceTables.onDemandKey("us-east-1", "c5.xlarge"), usd("0.17")),
            Map.of("linux-2-core", usd("0.006"), "linux-4-core", usd("0.012")));

    // c5.xlarge spot: 0.0700 in use1-az4 until 10:30, then 0.0850; 0.0650 flat in use1-az6 (us-east-1b)
    private static final SpotPriceBook SPOT = SpotPriceBook.of(List.of(
            new PricePoint("c5.xlarge", "use1-az4", at("09:12:00"), usd("0.0700")),
            new PricePoint("c5.xlarge", "use1-az4", at("10:30:00"), usd("0.0850")),
            new PricePoint("c5.xlarge", "us-east-1b", at("08:00:00"), usd("0.0650"))));

    private static final NodePrices PRICES = new NodePrices(SPOT, TABLES);

    /** m5.large on demand, allocatable 2 vCPU / 8 GiB: 2 × 31611 + 8 × 4237 = 97,118 units. */
    private static final NodeFacts M5 = new NodeFacts(
            "ip-10-0-1-1", "m5.large", "us-east-1a", "use1-az4", CapacityType.ON_DEMAND, new Requests(2000, 8 * GIB));

    /** c5.xlarge spot in us-east-1a (use1-az4), allocatable 4 vCPU / 8 GiB: 4 × 31611 + 8 × 4237 = 160,340 units. */
    private static final NodeFacts C5_AZ4 = new NodeFacts(
            "ip-10-0-2-2", "c5.xlarge", "us-east-1a", "use1-az4", CapacityType.SPOT, new Requests(4000, 8 * GIB));

    /** The same type in us-east-1b, whose node has no zone-id label: looked up by zone name. */
    private static final NodeFacts C5_B = new NodeFacts(
            "ip-10-0-3-3", "c5.xlarge", "us-east-1b", null, CapacityType.SPOT, new Requests(4000, 8 * GIB));

    /** 2 vCPU / 4 GiB on a c5.xlarge: 2 × 31611 + 4 × 4237 = 80,170 units, exactly half. */
    private static final Requests HALF_C5 = new Requests(2000, 4 * GIB);

    @Nested
    class OnDemandNode {

        @Test
        void aRunnerPaysItsOpenCostShareOfTheNodeForItsLifetime() {
            // 1 vCPU + 2 GiB = 31611 + 8474 = 40,085 of 97,118 units; 90 min at 0.096/h:
            // 0.096 × 1.5 × 40085 / 97118 = 0.0594353… → 0.059435
            // job 10:30–10:50 (20 min): 0.096 × (1/3) × 40085 / 97118 = 0.0132078… → 0.013208
            RunnerUsage usage =
                    new RunnerUsage(new Requests(1000, 2 * GIB), T10, at("11:30:00"), at("10:30:00"), at("10:50:00"));
            RunnerCost cost = CostModel.runnerCost(usage, M5, PRICES, Optional.of(usd("0.006")));

            assertThat(cost.usd()).isEqualByComparingTo("0.059435");
            assertThat(cost.runningUsd()).isEqualByComparingTo("0.013208");
            assertThat(cost.waitingUsd()).isEqualByComparingTo("0.046227"); // 0.059435 − 0.013208
            assertThat(cost.onDemandUsd()).isEqualByComparingTo(cost.usd()); // it is on demand
            // 20 minutes on a GitHub-hosted linux-2-core: 20 × 0.006
            assertThat(cost.githubHostedUsd()).isEqualByComparingTo("0.120");
            assertThat(cost.runnerMillis()).isEqualTo(90 * 60_000L);
            assertThat(cost.jobMillis()).isEqualTo(20 * 60_000L);
            assertThat(cost.usd().scale()).isEqualTo(Money.SCALE);
        }

        @Test
        void theOpenCostRatioIsTheirDefaultCpuOverRamPrice() {
            // 1 vCPU-hour weighs as much as 31611 / 4237 = 7.4607… GiB-hours
            BigDecimal oneCpu = CostModel.share(new Requests(1000, 0), M5.allocatable());
            BigDecimal ramOfOneCpu = CostModel.share(new Requests(0, 7_460_700L * GIB / 1_000_000), M5.allocatable());
            assertThat(oneCpu.subtract(ramOfOneCpu).abs()).isLessThan(new BigDecimal("0.000001"));
        }
    }

    @Nested
    class SpotNode {

        @Test
        void aJobSpanningAPriceChangeIsChargedPiecewise() {
            // half of the node, 10:00–11:00; price 0.0700 to 10:30, 0.0850 after:
            // total   = ½ × (0.0700 × 0.5 + 0.0850 × 0.5)           = ½ × 0.0775     = 0.038750
            // running = ½ × (0.0700 × 15/60 + 0.0850 × 20/60) (10:15–10:50)
            //         = ½ × (0.0175 + 0.0283333…) = 0.0229166… → 0.022917
            RunnerUsage usage = new RunnerUsage(HALF_C5, T10, at("11:00:00"), at("10:15:00"), at("10:50:00"));
            RunnerCost cost = CostModel.runnerCost(usage, C5_AZ4, PRICES, Optional.of(usd("0.012")));

            assertThat(cost.usd()).isEqualByComparingTo("0.038750");
            assertThat(cost.runningUsd()).isEqualByComparingTo("0.022917");
            assertThat(cost.waitingUsd()).isEqualByComparingTo("0.015833");
            // on demand: ½ × 0.17 × 1 h = 0.085
            assertThat(cost.onDemandUsd()).isEqualByComparingTo("0.085");
            // 35 minutes on linux-4-core: 35 × 0.012 = 0.42
            assertThat(cost.githubHostedUsd()).isEqualByComparingTo("0.42");
            assertThat(cost.capacityType()).isEqualTo(CapacityType.SPOT);
            assertThat(cost.zone()).isEqualTo("us-east-1a");
        }

        @Test
        void githubBillsEveryStartedMinute() {
            // 35 min 1 s is 36 billed minutes: 36 × 0.012 = 0.432
            RunnerUsage usage = new RunnerUsage(HALF_C5, T10, at("11:00:00"), at("10:15:00"), at("10:50:01"));
            assertThat(CostModel.runnerCost(usage, C5_AZ4, PRICES, Optional.of(usd("0.012")))
                            .githubHostedUsd())
                    .isEqualByComparingTo("0.432");
            // a job whose start and end fall in the same second ran for under one: one billed minute
            assertThat(CostModel.githubHosted(0, usd("0.012"))).isEqualByComparingTo("0.012");
            assertThat(CostModel.githubHosted(1, usd("0.012"))).isEqualByComparingTo("0.012");
            assertThat(CostModel.githubHosted(60_000, usd("0.012"))).isEqualByComparingTo("0.012");
        }

        @Test
        void anotherZoneHasItsOwnPriceFoundByZoneName() {
            // a quarter of the node (1 vCPU / 2 GiB = 31611 + 8474 = 40,085 of 160,340 = ¼) for 30 min at 0.0650:
            // ¼ × 0.0650 × 0.5 = 0.008125
            RunnerUsage usage = new RunnerUsage(new Requests(1000, 2 * GIB), T10, at("10:30:00"), null, null);
            RunnerCost cost = CostModel.runnerCost(usage, C5_B, PRICES, Optional.of(usd("0.006")));
            assertThat(cost.usd()).isEqualByComparingTo("0.008125");
            assertThat(cost.runningUsd()).isEqualByComparingTo("0");
            assertThat(cost.githubHostedUsd()).isEqualByComparingTo("0"); // no job ran: nothing to compare
        }

        @Test
        void aJobInterruptedMidwayCostsUntilItsRunnerEnded() {
            // node gone at 10:20; the job started 10:05 and never reported its end
            // total   = ½ × 0.0700 × 20/60 = 0.0116666… → 0.011667
            // running = ½ × 0.0700 × 15/60 = 0.00875
            RunnerUsage usage = new RunnerUsage(HALF_C5, T10, at("10:20:00"), at("10:05:00"), null);
            RunnerCost cost = CostModel.runnerCost(usage, C5_AZ4, PRICES, Optional.of(usd("0.012")));
            assertThat(cost.usd()).isEqualByComparingTo("0.011667");
            assertThat(cost.runningUsd()).isEqualByComparingTo("0.008750");
            assertThat(cost.waitingUsd()).isEqualByComparingTo("0.002917");
            assertThat(cost.githubHostedUsd()).isEqualByComparingTo("0.180"); // 15 × 0.012
        }
    }

    @Nested
    class UnknownPrices {

        @Test
        void aZoneWithoutSpotHistoryIsUnknownNotZero() {
            NodeFacts az6 = new NodeFacts(
                    "n", "c5.xlarge", "us-east-1c", "use1-az6x", CapacityType.SPOT, new Requests(4000, 8 * GIB));
            RunnerCost cost = CostModel.runnerCost(
                    new RunnerUsage(HALF_C5, T10, at("11:00:00"), at("10:10:00"), at("10:20:00")),
                    az6,
                    PRICES,
                    Optional.of(usd("0.012")));
            assertThat(cost.known()).isFalse();
            assertThat(cost.usd()).isNull();
            assertThat(cost.waitingUsd()).isNull();
            assertThat(cost.onDemandUsd()).isEqualByComparingTo("0.085"); // the comparison is still known
            assertThat(cost.githubHostedUsd()).isEqualByComparingTo("0.120");
        }

        @Test
        void aRunnerThatStartedBeforeTheFirstKnownPriceIsUnknown() {
            RunnerUsage early = new RunnerUsage(HALF_C5, at("09:00:00"), at("09:30:00"), null, null);
            assertThat(CostModel.runnerCost(early, C5_AZ4, PRICES, Optional.empty())
                            .usd())
                    .isNull();
        }

        @Test
        void unknownCapacityTypeOrRegionOrSizeIsUnknown() {
            NodeFacts unlabelled = new NodeFacts(
                    "n", "m5.large", "us-east-1a", null, CapacityType.UNKNOWN, new Requests(2000, 8 * GIB));
            RunnerUsage usage = new RunnerUsage(HALF_C5, T10, at("11:00:00"), at("10:10:00"), at("10:20:00"));
            RunnerCost cost = CostModel.runnerCost(usage, unlabelled, PRICES, Optional.empty());
            assertThat(cost.usd()).isNull();
            assertThat(cost.githubHostedUsd()).isNull();
            NodeFacts otherRegion = new NodeFacts(
                    "n", "m5.large", "eu-west-1a", null, CapacityType.ON_DEMAND, new Requests(2000, 8 * GIB));
            assertThat(CostModel.runnerCost(usage, otherRegion, PRICES, Optional.empty())
                            .usd())
                    .isNull();
        }
    }

    @Nested
    class IdleNodes {

        @Test
        void theUnrequestedPartOfANodeIsIdle() {
            // one half-node runner for 10:00–11:00: idle ½ × 0.0775 = 0.038750
            assertThat(CostModel.idleCost(C5_AZ4, List.of(HALF_C5), PRICES, T10, at("11:00:00")))
                    .hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("0.038750"));
            // an empty node is all idle: 0.0775
            assertThat(CostModel.idleCost(C5_AZ4, List.of(), PRICES, T10, at("11:00:00")))
                    .hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("0.077500"));
            // a full node has none, even when requests exceed allocatable
            assertThat(CostModel.idleCost(C5_AZ4, List.of(HALF_C5, HALF_C5, HALF_C5), PRICES, T10, at("11:00:00")))
                    .hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("0"));
            // mixed instance types: the m5.large with a 1 vCPU / 2 GiB runner for an hour:
            // 0.096 × (97118 − 40085) / 97118 = 0.0563762… → 0.056376
            assertThat(CostModel.idleCost(M5, List.of(new Requests(1000, 2 * GIB)), PRICES, T10, at("11:00:00")))
                    .hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("0.056376"));
        }

        @Test
        void runnerAndIdleAddUpToTheNodePriceToTheMillionth() {
            RunnerUsage usage = new RunnerUsage(new Requests(1000, 2 * GIB), T10, at("11:00:00"), null, null);
            BigDecimal runner =
                    CostModel.runnerCost(usage, M5, PRICES, Optional.empty()).usd();
            BigDecimal idle = CostModel.idleCost(M5, List.of(new Requests(1000, 2 * GIB)), PRICES, T10, at("11:00:00"))
                    .orElseThrow();
            assertThat(runner.add(idle)).isEqualByComparingTo("0.096000"); // 0.039624 + 0.056376
        }

        @Test
        void anUnknownPriceGivesNoIdleCost() {
            NodeFacts unknown = new NodeFacts(
                    "n", "m5.large", "us-east-1a", null, CapacityType.UNKNOWN, new Requests(2000, 8 * GIB));
            assertThat(CostModel.idleCost(unknown, List.of(), PRICES, T10, at("11:00:00")))
                    .isEmpty();
        }
    }

    @Nested
    class PodRequests {

        @Test
        void theRunnerPaysForItsSidecarsAndTheLargestInitContainer() {
            Requests runner = new Requests(1000, 2 * GIB);
            Requests dind = new Requests(500, GIB);
            Requests init = new Requests(100, 64L << 20);
            // dind as a native sidecar: runner + dind = 1500m / 3 GiB (the init container is smaller)
            assertThat(Requests.ofPod(
                            List.of(runner),
                            List.of(new Requests.InitContainer(init, false), new Requests.InitContainer(dind, true))))
                    .isEqualTo(new Requests(1500, 3 * GIB));
            // a large plain init container sets the request when it exceeds the running containers
            Requests bigInit = new Requests(4000, GIB);
            assertThat(Requests.ofPod(List.of(runner), List.of(new Requests.InitContainer(bigInit, false))))
                    .isEqualTo(new Requests(4000, 2 * GIB));
        }
    }
}
