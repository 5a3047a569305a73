package dev.runnerscale.autoscaler.cost;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The prices we do not ask an API for: on-demand USD/hour per (region, instance type) and GitHub-hosted USD/minute
 * per runner size. Built from the tables the project ships ({@code cost/on-demand-prices.csv},
 * {@code cost/github-hosted-prices.csv}, sources and dates in docs/configuration.md) with configured overrides on top.
 */
public final class PriceTables {

    private final Map<String, BigDecimal> onDemand;
    private final Map<String, BigDecimal> githubHosted;

    public PriceTables(Map<String, BigDecimal> onDemandByRegionAndType, Map<String, BigDecimal> githubHostedBySize) {
        this.onDemand = Map.copyOf(onDemandByRegionAndType);
        this.githubHosted = Map.copyOf(githubHostedBySize);
    }

    /** The key of an on-demand row: {@code <region>/<instance type>}. */
    public static String onDemandKey(String region, String instanceType) {
        return region.toLowerCase(Locale.ROOT) + "/" + instanceType.toLowerCase(Locale.ROOT);
    }

    public Optional<BigDecimal> onDemandUsdPerHour(String region, String instanceType) {
        if (region == null || instanceType == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(onDemand.get(onDemandKey(region, instanceType)));
    }

    public Optional<BigDecimal> githubHostedUsdPerMinute(String size) {
        return size == null ? Optional.empty() : Optional.ofNullable(githubHosted.get(size.toLowerCase(Locale.ROOT)));
    }

    public Map<String, BigDecimal> githubHostedSizes() {
        return githubHosted;
    }

    public int onDemandRows() {
        return onDemand.size();
    }

    /**
     * Reads a shipped CSV table: a header row, then rows of plain values; {@code #} starts a comment line. On-demand
     * rows are {@code region,instance_type,usd_per_hour,source_date}; GitHub-hosted rows are
     * {@code size,usd_per_minute,source_date}.
     */
    public static Map<String, BigDecimal> parseOnDemand(String csv) {
        Map<String, BigDecimal> out = new HashMap<>();
        forEachRow(csv, 3, cells -> out.put(onDemandKey(cells[0], cells[1]), Money.parse(cells[2])));
        return out;
    }

    public static Map<String, BigDecimal> parseGitHubHosted(String csv) {
        Map<String, BigDecimal> out = new HashMap<>();
        forEachRow(csv, 2, cells -> out.put(cells[0].toLowerCase(Locale.ROOT), Money.parse(cells[1])));
        return out;
    }

    /** Spot prices of a static table ({@code instance_type,zone,usd_per_hour}): the local default's stand-in. */
    public static java.util.List<String[]> rows(String csv, int minCells) {
        java.util.List<String[]> out = new java.util.ArrayList<>();
        forEachRow(csv, minCells, out::add);
        return out;
    }

    private static void forEachRow(String csv, int minCells, java.util.function.Consumer<String[]> row) {
        boolean header = true;
        int line = 0;
        for (String raw : csv.split("\\R")) {
            line++;
            String text = raw.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            if (header) {
                header = false;
                continue;
            }
            String[] cells = text.split(",", -1);
            if (cells.length < minCells) {
                throw new IllegalArgumentException(
                        "price table line " + line + " has fewer than " + minCells + " cells");
            }
            for (int i = 0; i < cells.length; i++) {
                cells[i] = cells[i].strip();
            }
            row.accept(cells);
        }
    }
}
