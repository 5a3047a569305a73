package dev.runnerscale.autoscaler.runners;

import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import dev.runnerscale.autoscaler.scaling.ObservedRunner;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tells every {@link RunnerLifecycleListener}; one listener's failure never stops the pass nor the others. */
final class RunnerListeners {

    private static final Logger log = LoggerFactory.getLogger(RunnerListeners.class);

    private final List<RunnerLifecycleListener> listeners;

    RunnerListeners(List<RunnerLifecycleListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    void passed(RunnerLifecycleListener.PoolPass pass) {
        each(l -> l.passed(pass));
    }

    void created(Pool pool, Pod pod, Instant at) {
        each(l -> l.created(pool, pod, at));
    }

    void registered(Pool pool, Pod pod, long runnerId, Instant at) {
        each(l -> l.registered(pool, pod, runnerId, at));
    }

    void removed(Pool pool, Pod pod, ObservedRunner runner, Instant at) {
        each(l -> l.removed(pool, pod, runner, at));
    }

    private void each(Consumer<RunnerLifecycleListener> call) {
        for (RunnerLifecycleListener listener : listeners) {
            try {
                call.accept(listener);
            } catch (RuntimeException e) {
                // a feature beside the reconciler (cost, timeline) must never stop runners being made
                log.error(
                        "runner lifecycle listener {} failed",
                        listener.getClass().getSimpleName(),
                        e);
            }
        }
    }
}
