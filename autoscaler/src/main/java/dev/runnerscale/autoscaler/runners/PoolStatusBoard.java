package dev.runnerscale.autoscaler.runners;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The last pass's result per pool: backs the gauges and the operator view's {@code lastDecision}. Cleared when this
 * replica stops leading: a follower has no decisions of its own to report.
 */
public class PoolStatusBoard {

    private final Map<String, PoolStatus> pools = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Runnable> listeners = new CopyOnWriteArrayList<>();

    void update(PoolStatus status) {
        boolean added = pools.put(status.name(), status) == null;
        if (added) {
            listeners.forEach(Runnable::run);
        }
    }

    void clear() {
        if (!pools.isEmpty()) {
            pools.clear();
            listeners.forEach(Runnable::run);
        }
    }

    void remove(String pool) {
        if (pools.remove(pool) != null) {
            listeners.forEach(Runnable::run);
        }
    }

    /** Called when the set of pools on the board changes (not on every update of a pool's values). */
    void onChange(Runnable listener) {
        listeners.add(listener);
    }

    public Optional<PoolStatus> last(String pool) {
        return Optional.ofNullable(pools.get(pool));
    }
}
