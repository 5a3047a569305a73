package dev.runnerscale.autoscaler.repair;

import dev.runnerscale.autoscaler.github.GitHubCredentialsCondition;
import dev.runnerscale.autoscaler.github.GitHubHookDeliveries;
import dev.runnerscale.autoscaler.github.GitHubHookDeliveries.Hook;
import dev.runnerscale.autoscaler.github.GitHubJobApi;
import dev.runnerscale.autoscaler.github.GitHubProperties;
import dev.runnerscale.autoscaler.jobs.JobLedger;
import dev.runnerscale.autoscaler.leader.Leadership;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Missed-event repair and webhook redelivery, when GitHub credentials exist (a dry run has nothing to ask GitHub).
 * Redelivery scans the App's own hook (with a GitHub App) and every hook configured in
 * {@code runnerscale.github.redelivery.hooks} (the only way with a personal access token); with neither it is off.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(GitHubCredentialsCondition.Present.class)
class RepairConfiguration {

    private static final Logger log = LoggerFactory.getLogger(RepairConfiguration.class);

    @Bean
    GitHubRepairScheduler gitHubRepairScheduler(
            GitHubProperties properties,
            ObjectProvider<Leadership> leadership,
            ObjectProvider<JobLedger> ledger,
            GitHubJobApi jobs,
            GitHubHookDeliveries deliveries,
            ObjectProvider<Clock> clockProvider,
            MeterRegistry registry) {
        Clock clock = clockProvider.getIfAvailable(Clock::systemUTC);
        Leadership leader = leadership.getIfAvailable();
        if (leader == null) {
            log.warn("No Leadership bean: missed-event repair and webhook redelivery stay idle");
            leader = () -> false;
        }
        Optional<MissedEventRepair> repair = Optional.ofNullable(ledger.getIfAvailable())
                .map(l -> new MissedEventRepair(l, jobs, properties.repair(), clock, registry));
        if (repair.isEmpty()) {
            log.warn("No JobLedger bean: missed-event repair is off");
        }
        List<Hook> hooks = new ArrayList<>();
        if (properties.mode() == GitHubProperties.Mode.APP) {
            hooks.add(new GitHubHookDeliveries.AppHook());
        }
        properties.redelivery().hooks().forEach(h -> hooks.add(GitHubHookDeliveries.of(h)));
        Optional<WebhookRedelivery> redelivery = hooks.isEmpty()
                ? Optional.empty()
                : Optional.of(new WebhookRedelivery(deliveries, hooks, properties.redelivery(), clock, registry));
        if (redelivery.isEmpty()) {
            log.info("Webhook redelivery is off: it needs a GitHub App (runnerscale.github.app-id) or the ids of the"
                    + " organisation or repository hooks (runnerscale.github.redelivery.hooks)");
        } else {
            log.info("Webhook redelivery scans {}", hooks);
        }
        return new GitHubRepairScheduler(
                leader,
                repair,
                properties.repair().interval(),
                redelivery,
                properties.redelivery().interval());
    }
}
