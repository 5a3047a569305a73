package dev.runnerscale.autoscaler.queuetime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CapacityWaitsTest {

    private static final Instant T0 = Instant.parse("2026-11-03T09:00:00Z");
    private final CapacityWaits waits = new CapacityWaits(Duration.ofHours(24));

    private static Instant t(long seconds) {
        return T0.plusSeconds(seconds);
    }

    @Test
    void theCapacityPartIsTheOverlapOfTheWaitWithThePoolsTimeAtMax() {
        waits.observe("a", false, t(0));
        waits.observe("a", true, t(10));
        waits.observe("a", true, t(20)); // still at max: one interval
        waits.observe("a", false, t(40));
        waits.observe("a", true, t(100));
        waits.observe("a", false, t(130));

        assertThat(waits.during("a", t(0), t(200))).isEqualTo(Duration.ofSeconds(60));
        assertThat(waits.during("a", t(30), t(110))).isEqualTo(Duration.ofSeconds(20));
        assertThat(waits.during("a", t(40), t(100))).isZero();
        assertThat(waits.during("b", t(0), t(200))).isZero();
        assertThat(waits.during("a", t(200), t(100))).isZero();
    }

    @Test
    void anIntervalStillOpenCountsUpToTheJobsStart() {
        waits.observe("a", true, t(10));

        assertThat(waits.during("a", t(0), t(70))).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void historyOlderThanTheHorizonIsDroppedAndItStaysBounded() {
        CapacityWaits small = new CapacityWaits(Duration.ofMinutes(10));
        small.observe("a", true, t(0));
        small.observe("a", false, t(60));
        small.observe("a", true, t(3600));
        small.observe("a", false, t(3660));

        assertThat(small.during("a", t(0), t(4000))).isEqualTo(Duration.ofSeconds(60));
        for (int i = 0; i < CapacityWaits.MAX_INTERVALS * 2; i++) {
            small.observe("a", true, t(4000 + 2L * i));
            small.observe("a", false, t(4001 + 2L * i));
        }
        assertThat(small.during("a", t(0), t(100_000)))
                .isLessThanOrEqualTo(Duration.ofSeconds(CapacityWaits.MAX_INTERVALS));
    }

    @Test
    void aReplicaThatStopsLeadingForgetsItsHistory() {
        waits.observe("a", true, t(0));
        waits.forget();

        assertThat(waits.during("a", t(0), t(100))).isZero();
    }
}
