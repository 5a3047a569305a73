package dev.runnerscale.autoscaler.config;

import dev.runnerscale.autoscaler.api.ApiProperties;
import dev.runnerscale.autoscaler.jobs.LedgerProperties;
import dev.runnerscale.autoscaler.pools.PoolsProperties;
import dev.runnerscale.autoscaler.webhook.WebhookProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Typed configuration of the autoscaler; each record validates itself and names the failing key at start-up. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@EnableConfigurationProperties({
    PoolsProperties.class,
    WebhookProperties.class,
    LedgerProperties.class,
    ApiProperties.class
})
class AutoscalerConfiguration {}
