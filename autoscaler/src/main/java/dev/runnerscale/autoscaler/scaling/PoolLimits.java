package dev.runnerscale.autoscaler.scaling;

import java.time.Duration;
import java.util.Objects;

/**
 * The configuration values of a pool that the scaling decision needs, as plain values (the configuration record
 * itself carries framework annotations; the policy must not).
 *
 * @param onlineGrace how long a registered, running runner may stay offline on GitHub before it is replaced
 */
public record PoolLimits(
        String pool, int minIdle, int max, Duration idleTimeout, Duration pendingTimeout, Duration onlineGrace) {

    public PoolLimits {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(pendingTimeout, "pendingTimeout");
        Objects.requireNonNull(onlineGrace, "onlineGrace");
        if (minIdle < 0 || max < 0 || minIdle > max) {
            throw new IllegalArgumentException("need 0 <= minIdle <= max, got " + minIdle + " and " + max);
        }
    }
}
