package dev.runnerscale.autoscaler.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock tests move by hand, instead of sleeping. Either frozen at a start instant ({@link #MutableClock(Instant)}),
 * or wall time plus an offset ({@link #ticking()}) where real parts stamp with wall time too (the mock API server's
 * timestamps): timeouts (pending, idle, back-off) are then reached by advancing the offset.
 */
public final class MutableClock extends Clock {

    private final AtomicReference<Instant> base;
    private volatile boolean ticking;

    public MutableClock(Instant start) {
        this(start, false);
    }

    private MutableClock(Instant base, boolean ticking) {
        this.base = new AtomicReference<>(base);
        this.ticking = ticking;
    }

    /** Wall time, plus whatever the test advanced it by. */
    public static MutableClock ticking() {
        return new MutableClock(Instant.EPOCH, true);
    }

    /**
     * Stops a ticking clock where it is: from now on it moves only when advanced, so that durations a test makes are
     * exact whatever the machine's load.
     */
    public synchronized void freeze() {
        if (ticking) {
            base.set(instant());
            ticking = false;
        }
    }

    public void advance(Duration d) {
        base.updateAndGet(i -> i.plus(d));
    }

    public void set(Instant instant) {
        base.set(ticking ? Instant.EPOCH.plus(Duration.between(Instant.now(), instant)) : instant);
    }

    @Override
    public Instant instant() {
        Instant b = base.get();
        return ticking ? Instant.now().plus(Duration.between(Instant.EPOCH, b)) : b;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
