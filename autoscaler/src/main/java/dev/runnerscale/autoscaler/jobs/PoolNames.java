package dev.runnerscale.autoscaler.jobs;

import dev.runnerscale.autoscaler.pools.PoolsProperties;
import java.util.List;
import org.springframework.stereotype.Component;

/** The configured pool names, in configuration order: the only values a {@code pool} metric tag may take. */
@Component
class PoolNames {

    private final List<String> names;

    PoolNames(PoolsProperties properties) {
        this.names = properties.pools().stream().map(PoolsProperties.Pool::name).toList();
    }

    List<String> names() {
        return names;
    }
}
