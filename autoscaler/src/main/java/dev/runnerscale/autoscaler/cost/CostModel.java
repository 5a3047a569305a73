package dev.runnerscale.autoscaler.cost;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.List;
import java.util.Optional;

/**
 * The cost arithmetic, after OpenCost's allocation model.
 *
 * <p><b>Share of a node.</b> A node's hourly price is split into a CPU part and a memory part in the ratio of
 * OpenCost's default prices, {@code CPU = 0.031611} USD per vCPU-hour and {@code RAM = 0.004237} USD per GiB-hour
 * (OpenCost {@code configs/default.json}; its cost model derives {@code cpuToRAMRatio = CPU / RAM ≈ 7.46} from them
 * when only a node's total price is known). So a node offers {@code vCPU × 31611 + GiB × 4237} "units" and a pod's
 * share is its requested units over the node's allocatable units (capped at 1). The ratio is kept as the exact
 * fraction 31611/4237, not a rounded 7.46. The part no pod requested is the node's idle cost.
 *
 * <p><b>Exactness.</b> Units are integers (millicores and bytes scaled to a common denominator); an amount is
 * Σ(price × milliseconds) × units, divided once by (3,600,000 × node units) at {@link Money#WORK_SCALE} decimals and
 * rounded once to {@link Money#SCALE}.
 */
public final class CostModel {

    /** OpenCost's default CPU price, USD per vCPU-hour, in millionths: the CPU weight. */
    static final BigInteger CPU_WEIGHT = BigInteger.valueOf(31_611);
    /** OpenCost's default RAM price, USD per GiB-hour, in millionths: the memory weight. */
    static final BigInteger RAM_WEIGHT = BigInteger.valueOf(4_237);

    private static final BigInteger GIB = BigInteger.ONE.shiftLeft(30);
    private static final BigInteger THOUSAND = BigInteger.valueOf(1000);
    private static final BigDecimal MILLIS_PER_HOUR = BigDecimal.valueOf(3_600_000L);
    private static final long MILLIS_PER_MINUTE = 60_000L;

    private CostModel() {}

    /**
     * Allocation units of some requests: {@code milliCpu × 31611 × 2^30 + bytes × 4237 × 1000}, i.e. the OpenCost
     * weights with CPU in millicores and memory in bytes brought to one integer denominator.
     */
    static BigInteger units(Requests r) {
        return BigInteger.valueOf(r.milliCpu())
                .multiply(CPU_WEIGHT)
                .multiply(GIB)
                .add(BigInteger.valueOf(r.memoryBytes()).multiply(RAM_WEIGHT).multiply(THOUSAND));
    }

    /** The pod's share of the node (0..1), at {@link Money#WORK_SCALE} decimals; for display and tests. */
    public static BigDecimal share(Requests pod, Requests allocatable) {
        BigInteger node = units(allocatable);
        if (node.signum() == 0) {
            return BigDecimal.ZERO;
        }
        BigInteger podUnits = units(pod).min(node);
        return new BigDecimal(podUnits).divide(new BigDecimal(node), Money.WORK_SCALE, RoundingMode.HALF_EVEN);
    }

    /**
     * A runner's cost on its node.
     *
     * @param githubHostedUsdPerMinute the pool's GitHub-hosted size's rate, or empty when unknown
     */
    public static RunnerCost runnerCost(
            RunnerUsage usage, NodeFacts node, NodePrices prices, Optional<BigDecimal> githubHostedUsdPerMinute) {
        long runnerMillis =
                usage.runnerEnd().toEpochMilli() - usage.runnerStart().toEpochMilli();
        PriceSegment job = usage.jobWindow();
        long jobMillis = job == null ? 0 : job.duration().toMillis();
        BigDecimal github = usage.jobStart() == null
                ? Money.ZERO
                : githubHostedUsdPerMinute
                        .map(rate -> githubHosted(jobMillis, rate))
                        .orElse(null);

        BigInteger nodeUnits = units(node.allocatable());
        if (nodeUnits.signum() == 0) {
            return new RunnerCost(
                    null,
                    null,
                    null,
                    github,
                    runnerMillis,
                    jobMillis,
                    node.instanceType(),
                    node.zone(),
                    node.capacityType());
        }
        BigInteger podUnits = units(usage.requests()).min(nodeUnits);

        Optional<List<PriceSegment>> segments = prices.segments(node, usage.runnerStart(), usage.runnerEnd());
        BigDecimal usd = null;
        BigDecimal running = null;
        if (segments.isPresent()) {
            usd = allocate(segments.get(), podUnits, nodeUnits);
            running = job == null ? Money.ZERO : allocate(clip(segments.get(), job), podUnits, nodeUnits);
        }
        BigDecimal onDemand = prices.onDemandUsdPerHour(node)
                .map(p -> allocate(
                        List.of(new PriceSegment(usage.runnerStart(), usage.runnerEnd(), p)), podUnits, nodeUnits))
                .orElse(null);
        return new RunnerCost(
                usd,
                running,
                onDemand,
                github,
                runnerMillis,
                jobMillis,
                node.instanceType(),
                node.zone(),
                node.capacityType());
    }

    /**
     * The idle cost of a node over a period: the node's price × the part of its allocatable units no pod requested
     * × the period; empty when the price is unknown.
     */
    public static Optional<BigDecimal> idleCost(
            NodeFacts node,
            List<Requests> podRequests,
            NodePrices prices,
            java.time.Instant from,
            java.time.Instant to) {
        BigInteger nodeUnits = units(node.allocatable());
        if (nodeUnits.signum() == 0) {
            return Optional.empty();
        }
        BigInteger requested = BigInteger.ZERO;
        for (Requests r : podRequests) {
            requested = requested.add(units(r));
        }
        BigInteger idle = nodeUnits.subtract(requested.min(nodeUnits));
        return prices.segments(node, from, to).map(s -> allocate(s, idle, nodeUnits));
    }

    /**
     * GitHub bills every started minute of a job that ran: ceil(job time / 1 min), at least one, × the per-minute
     * rate. GitHub's timestamps are whole seconds, so a job recorded as lasting 0 ms ran for under a second: that is
     * still a started, billed minute.
     */
    public static BigDecimal githubHosted(long jobMillis, BigDecimal usdPerMinute) {
        long minutes = Math.max(1, (jobMillis + MILLIS_PER_MINUTE - 1) / MILLIS_PER_MINUTE);
        return Money.usd(usdPerMinute.multiply(BigDecimal.valueOf(minutes)));
    }

    /** Σ(price × ms) × units / (3,600,000 × node units): one division, one rounding. */
    private static BigDecimal allocate(List<PriceSegment> segments, BigInteger units, BigInteger nodeUnits) {
        BigDecimal priceMillis = BigDecimal.ZERO;
        for (PriceSegment s : segments) {
            priceMillis = priceMillis.add(
                    s.usdPerHour().multiply(BigDecimal.valueOf(s.duration().toMillis())));
        }
        BigDecimal exact = priceMillis
                .multiply(new BigDecimal(units))
                .divide(MILLIS_PER_HOUR.multiply(new BigDecimal(nodeUnits)), Money.WORK_SCALE, Money.ROUNDING);
        return Money.usd(exact);
    }

    private static List<PriceSegment> clip(List<PriceSegment> segments, PriceSegment window) {
        return segments.stream()
                .map(s -> s.clip(window.from(), window.to()))
                .filter(java.util.Objects::nonNull)
                .toList();
    }
}
