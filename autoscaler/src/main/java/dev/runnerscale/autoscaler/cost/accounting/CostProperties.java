package dev.runnerscale.autoscaler.cost.accounting;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Cost accounting ({@code runnerscale.cost.*}).
 *
 * @param enabled whether runners are priced and the finance report served
 * @param spotPriceSource {@code auto} (EC2 when {@code runnerscale.aws.region} is set, else none), {@code ec2},
 *     {@code static} (the shipped illustrative table; local default and tests only) or {@code none} (spot prices
 *     unknown: spot runners' cost is recorded as unknown)
 * @param spotPriceRefresh how often spot prices are refreshed
 * @param spotPriceLookback how far back a first fetch reads (a runner that started before the first known price is
 *     unknown)
 * @param spotPriceRetention how long price points are kept in memory
 * @param idleMeterInterval the period of the idle-cost meter
 * @param topRepositories how many repositories get their own cost series (the rest: {@code other})
 * @param budgetRefresh how often month-to-date spend is read for the budget gauges
 * @param rerunSweepInterval how often interrupted jobs that ended are checked for a re-run
 * @param onDemandPrices overrides and additions to the shipped on-demand table: {@code <region>/<instance type>} →
 *     USD per hour (for example {@code "[eu-west-1/m6i.large]": "0.107"})
 * @param githubHostedPrices overrides and additions to the shipped GitHub-hosted table: size → USD per minute
 */
@Validated
@ConfigurationProperties("runnerscale.cost")
public record CostProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("auto") @NotNull SpotPriceSourceKind spotPriceSource,
        @DefaultValue("5m") @NotNull Duration spotPriceRefresh,
        @DefaultValue("1d") @NotNull Duration spotPriceLookback,
        @DefaultValue("2d") @NotNull Duration spotPriceRetention,
        @DefaultValue("1m") @NotNull Duration idleMeterInterval,
        @DefaultValue("20") @Min(0) @Max(200) int topRepositories,
        @DefaultValue("1m") @NotNull Duration budgetRefresh,
        @DefaultValue("15s") @NotNull Duration rerunSweepInterval,
        @DefaultValue Map<String, BigDecimal> onDemandPrices,
        @DefaultValue Map<String, BigDecimal> githubHostedPrices) {

    public enum SpotPriceSourceKind {
        AUTO,
        EC2,
        STATIC,
        NONE
    }

    public CostProperties {
        onDemandPrices = Map.copyOf(onDemandPrices);
        githubHostedPrices = Map.copyOf(githubHostedPrices);
    }
}
