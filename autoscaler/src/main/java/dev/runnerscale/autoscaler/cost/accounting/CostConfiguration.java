package dev.runnerscale.autoscaler.cost.accounting;

import dev.runnerscale.autoscaler.aws.AutoScalingGroupCapacity;
import dev.runnerscale.autoscaler.aws.AwsClients;
import dev.runnerscale.autoscaler.aws.AwsProperties;
import dev.runnerscale.autoscaler.aws.Ec2SpotPriceHistory;
import dev.runnerscale.autoscaler.aws.SpotPriceRefresher;
import dev.runnerscale.autoscaler.aws.SpotPriceSource;
import dev.runnerscale.autoscaler.aws.StaticSpotPrices;
import dev.runnerscale.autoscaler.capacity.providers.ClusterNodeCapacity;
import dev.runnerscale.autoscaler.capacity.providers.KarpenterEvents;
import dev.runnerscale.autoscaler.capacity.providers.PoolCapacity;
import dev.runnerscale.autoscaler.cost.PriceTables;
import dev.runnerscale.autoscaler.cost.RepositoryLabels;
import dev.runnerscale.autoscaler.github.GitHubJobApi;
import dev.runnerscale.autoscaler.interruptions.GitHubJobRerunner;
import dev.runnerscale.autoscaler.interruptions.Interruptions;
import dev.runnerscale.autoscaler.interruptions.JdbcInterruptionLedger;
import dev.runnerscale.autoscaler.interruptions.JobRerunner;
import dev.runnerscale.autoscaler.leader.Leadership;
import dev.runnerscale.autoscaler.nodes.KubernetesNodes;
import dev.runnerscale.autoscaler.nodes.KubernetesRunnerPods;
import dev.runnerscale.autoscaler.pools.PoolsProperties;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Wires prices, cost accounting, the finance report, interruptions and capacity providers. Nothing reaches AWS
 * unless {@code runnerscale.aws.region} is set; a pool with capacity provider {@code auto-scaling-group} or spot price
 * source {@code ec2} without it stops the start with a message naming the key.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "runnerscale.cost.enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties({CostProperties.class, AwsProperties.class})
public class CostConfiguration {

    private static final Logger log = LoggerFactory.getLogger(CostConfiguration.class);

    static String resource(String path) {
        try (InputStream in = CostConfiguration.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("shipped price table missing: " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The shipped tables with {@code runnerscale.cost.*-prices} on top. */
    static PriceTables priceTables(CostProperties properties) {
        Map<String, BigDecimal> onDemand =
                new HashMap<>(PriceTables.parseOnDemand(resource("cost/on-demand-prices.csv")));
        properties.onDemandPrices().forEach((key, usd) -> {
            String[] parts = key.split("/", 2);
            if (parts.length != 2 || usd.signum() < 0) {
                throw new IllegalArgumentException("runnerscale.cost.on-demand-prices: key '" + key
                        + "' must be <region>/<instance type> with a non-negative price");
            }
            onDemand.put(PriceTables.onDemandKey(parts[0], parts[1]), usd);
        });
        Map<String, BigDecimal> github =
                new HashMap<>(PriceTables.parseGitHubHosted(resource("cost/github-hosted-prices.csv")));
        properties.githubHostedPrices().forEach((size, usd) -> github.put(size.toLowerCase(Locale.ROOT), usd));
        return new PriceTables(onDemand, github);
    }

    private static Clock clock(ObjectProvider<Clock> clock) {
        return clock.getIfAvailable(Clock::systemUTC);
    }

    @Bean
    PriceService priceService(CostProperties properties, PoolsProperties pools) {
        PriceTables tables = priceTables(properties);
        pools.pools().forEach(p -> {
            if (tables.githubHostedUsdPerMinute(p.githubHostedSize()).isEmpty()) {
                throw new IllegalStateException("runnerscale.pools["
                        + pools.pools().indexOf(p)
                        + "].github-hosted-size: no price for '" + p.githubHostedSize() + "' (known: "
                        + new java.util.TreeSet<>(tables.githubHostedSizes().keySet())
                        + "; add one with runnerscale.cost.github-hosted-prices)");
            }
        });
        return new PriceService(tables);
    }

    @Bean
    JdbcCostLedger jdbcCostLedger(JdbcTemplate jdbc) {
        return new JdbcCostLedger(jdbc);
    }

    @Bean
    KubernetesNodes kubernetesNodes(KubernetesClient client, ObjectProvider<Clock> clock) {
        return new KubernetesNodes(client, clock(clock));
    }

    @Bean
    @ConditionalOnMissingBean(RunnerPodsOnNodes.class)
    RunnerPodsOnNodes kubernetesRunnerPods(KubernetesClient client, PoolsProperties pools) {
        return new KubernetesRunnerPods(
                client,
                pools.pools().stream()
                        .map(PoolsProperties.Pool::namespace)
                        .collect(java.util.stream.Collectors.toSet()));
    }

    @Bean
    CostMetrics costMetrics(MeterRegistry registry, CostProperties properties, PoolsProperties pools) {
        CostMetrics metrics =
                new CostMetrics(registry, new RepositoryLabels(properties.topRepositories(), java.util.List.of()));
        pools.pools().forEach(p -> metrics.registerPool(p.name()));
        return metrics;
    }

    @Bean
    CostAccountant costAccountant(
            JdbcCostLedger ledger,
            PriceService prices,
            KubernetesNodes nodes,
            CostMetrics metrics,
            PoolsProperties pools,
            ObjectProvider<Clock> clock) {
        return new CostAccountant(ledger, prices, nodes, metrics, pools, clock(clock));
    }

    @Bean
    IdleCostMeter idleCostMeter(
            KubernetesNodes nodes,
            RunnerPodsOnNodes pods,
            PriceService prices,
            JdbcCostLedger ledger,
            CostMetrics metrics,
            PoolsProperties pools,
            CostProperties properties,
            ObjectProvider<Clock> clock) {
        return new IdleCostMeter(
                nodes, pods, prices, ledger, metrics, pools, properties.idleMeterInterval(), clock(clock));
    }

    @Bean
    BudgetGauges budgetGauges(
            JdbcCostLedger ledger, PoolsProperties pools, CostMetrics metrics, ObjectProvider<Clock> clock) {
        return new BudgetGauges(ledger, pools, metrics, clock(clock));
    }

    @Bean
    CostReportController costReportController(JdbcCostLedger ledger) {
        return new CostReportController(ledger);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // interruptions

    @Bean
    JdbcInterruptionLedger jdbcInterruptionLedger(JdbcTemplate jdbc) {
        return new JdbcInterruptionLedger(jdbc);
    }

    /** GitHub's re-run with credentials; in a dry run (no credentials) it only logs, so nothing is sent anywhere. */
    @Bean
    @ConditionalOnMissingBean(JobRerunner.class)
    JobRerunner jobRerunner(ObjectProvider<GitHubJobApi> jobs) {
        GitHubJobApi api = jobs.getIfAvailable();
        if (api != null) {
            return new GitHubJobRerunner(api);
        }
        return (owner, repository, jobId) -> {
            log.warn("would re-run job {} of {}/{} (GitHub dry run: no credentials)", jobId, owner, repository);
            return JobRerunner.Outcome.SKIPPED;
        };
    }

    @Bean
    Interruptions interruptions(
            JdbcInterruptionLedger ledger,
            JobRerunner rerunner,
            MeterRegistry registry,
            PoolsProperties pools,
            ObjectProvider<Clock> clock) {
        Interruptions interruptions = new Interruptions(ledger, rerunner, registry, clock(clock));
        pools.pools().forEach(p -> interruptions.registerPool(p.name()));
        return interruptions;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // AWS and capacity

    @Bean(destroyMethod = "close")
    AwsHolder awsHolder(AwsProperties aws, CostProperties cost, PoolsProperties pools, MeterRegistry registry) {
        for (int i = 0; i < pools.pools().size(); i++) {
            PoolsProperties.Pool p = pools.pools().get(i);
            if (p.capacity().provider() == PoolsProperties.CapacityProvider.AUTO_SCALING_GROUP && !aws.configured()) {
                throw new IllegalStateException("runnerscale.aws.region is required: runnerscale.pools[" + i
                        + "].capacity.provider is auto-scaling-group (pool " + p.name() + ")");
            }
        }
        if (cost.spotPriceSource() == CostProperties.SpotPriceSourceKind.EC2 && !aws.configured()) {
            throw new IllegalStateException(
                    "runnerscale.aws.region is required: runnerscale.cost.spot-price-source is ec2");
        }
        if (!aws.configured()) {
            log.info("no AWS region configured (runnerscale.aws.region): nothing is sent to AWS");
            return new AwsHolder(null);
        }
        AwsClients clients = new AwsClients(aws);
        clients.bindMetrics(registry);
        return new AwsHolder(clients);
    }

    /** The AWS clients when a region is configured (a holder, because Spring beans cannot be null). */
    record AwsHolder(AwsClients clients) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            if (clients != null) {
                clients.close();
            }
        }
    }

    @Bean
    SpotPriceSourceHolder spotPriceSource(CostProperties cost, AwsHolder aws) {
        CostProperties.SpotPriceSourceKind kind = cost.spotPriceSource();
        if (kind == CostProperties.SpotPriceSourceKind.AUTO) {
            kind = aws.clients() != null
                    ? CostProperties.SpotPriceSourceKind.EC2
                    : CostProperties.SpotPriceSourceKind.NONE;
        }
        SpotPriceSource source = switch (kind) {
            case EC2 ->
                new Ec2SpotPriceHistory(aws.clients().ec2(), aws.clients().breaker("aws-ec2"));
            case STATIC -> new StaticSpotPrices(resource("cost/static-spot-prices.csv"));
            default -> null;
        };
        if (source == null) {
            log.warn(
                    "no spot price source (runnerscale.cost.spot-price-source={}, no runnerscale.aws.region):"
                            + " the cost of runners on spot nodes is recorded as unknown",
                    cost.spotPriceSource());
        } else if (kind == CostProperties.SpotPriceSourceKind.STATIC) {
            log.warn("spot prices come from the static illustrative table (cost/static-spot-prices.csv), not from"
                    + " the market: for the local default and tests only");
        }
        return new SpotPriceSourceHolder(source);
    }

    record SpotPriceSourceHolder(SpotPriceSource source) {}

    @Bean
    PoolCapacity poolCapacity(
            PoolsProperties pools,
            AwsHolder aws,
            KubernetesNodes nodes,
            MeterRegistry registry,
            ObjectProvider<Clock> clock) {
        Optional<AutoScalingGroupCapacity> groups = aws.clients() == null
                ? Optional.empty()
                : Optional.of(new AutoScalingGroupCapacity(
                        aws.clients().autoScaling(), aws.clients().breaker("aws-autoscaling")));
        return new PoolCapacity(pools, groups, nodes, registry, clock(clock));
    }

    /** Karpenter's insufficient-capacity Events, read at most every 10 s per pool while its spot pods wait. */
    @Bean
    KarpenterEvents karpenterEvents(KubernetesClient client, ObjectProvider<Clock> clock) {
        return new KarpenterEvents(client, clock(clock), java.time.Duration.ofSeconds(10));
    }

    /** The pools' nodes for the reconcile pass: capacity providers and interruption notices. */
    @Bean
    ClusterNodeCapacity clusterNodeCapacity(
            PoolCapacity capacity,
            KubernetesNodes nodes,
            Interruptions interruptions,
            KarpenterEvents karpenter,
            ObjectProvider<Clock> clock) {
        return new ClusterNodeCapacity(capacity, nodes, interruptions, karpenter, clock(clock));
    }

    /** Prices every runner pod the reconcile pass sees ended. */
    @Bean
    RunnerCostListener runnerCostListener(CostAccountant accountant) {
        return new RunnerCostListener(accountant);
    }

    @Bean
    CostSchedules costSchedules(
            CostProperties properties,
            KubernetesNodes nodes,
            SpotPriceSourceHolder source,
            PriceService prices,
            MeterRegistry registry,
            IdleCostMeter idle,
            BudgetGauges budgets,
            Interruptions interruptions,
            JdbcCostLedger ledger,
            CostMetrics metrics,
            ObjectProvider<Leadership> leadership,
            ObjectProvider<Clock> clock) {
        SpotPriceRefresher refresher = source.source() == null
                ? null
                : new SpotPriceRefresher(
                        source.source(),
                        prices,
                        nodes,
                        registry,
                        clock(clock),
                        properties.spotPriceLookback(),
                        properties.spotPriceRetention());
        return new CostSchedules(
                properties,
                nodes,
                refresher,
                idle,
                budgets,
                interruptions,
                ledger,
                metrics,
                leadership.getIfAvailable(),
                clock(clock));
    }
}
