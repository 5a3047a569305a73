package dev.runnerscale.autoscaler.runners;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The last pass's result per pool: backs the gauges and the operator view's {@code lastDecision}. */
public class PoolStatusBoard {

    private final Map<String, PoolStatus> pools = new ConcurrentHashMap<>();

    void update(PoolStatus status) {
        pools.put(status.name(), status);
    }

    public Optional<PoolStatus> last(String pool) {
        return Optional.ofNullable(pools.get(pool));
    }
}
