package dev.runnerscale.autoscaler.queuetime.recording;

import dev.runnerscale.autoscaler.nodes.KubernetesNodes;
import dev.runnerscale.autoscaler.pools.PoolsProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Wires queue time by stage: the recorder is a {@code RunnerLifecycleListener} the reconciler tells after each pass;
 * the metrics exist from start-up for every configured pool; the API reads timelines through {@link QueueTimes}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(QueueTimeProperties.class)
class QueueTimeConfiguration {

    @Bean
    JdbcQueueTimes jdbcQueueTimes(JdbcTemplate jdbc) {
        return new JdbcQueueTimes(jdbc);
    }

    @Bean
    QueueTimeMetrics queueTimeMetrics(MeterRegistry registry, PoolsProperties pools) {
        return new QueueTimeMetrics(
                registry, pools.pools().stream().map(PoolsProperties.Pool::name).toList());
    }

    /** Node creation times come from the node informer, when it runs; without it "new node" stays unknown. */
    @Bean
    QueueTimeRecorder queueTimeRecorder(
            JdbcQueueTimes ledger,
            QueueTimeMetrics metrics,
            QueueTimeProperties properties,
            ObjectProvider<KubernetesNodes> nodes) {
        KubernetesNodes informer = nodes.getIfAvailable();
        return new QueueTimeRecorder(
                ledger,
                metrics,
                properties,
                informer == null ? NodeCreationTimes.UNKNOWN : NodeCreationTimes.of(informer));
    }

    @Bean
    QueueTimes queueTimes(JdbcQueueTimes ledger, QueueTimeProperties properties, ObjectProvider<Clock> clock) {
        return new QueueTimes(ledger, properties, clock.getIfAvailable(Clock::systemUTC));
    }
}
