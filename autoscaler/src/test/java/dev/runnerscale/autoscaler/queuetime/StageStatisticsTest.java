package dev.runnerscale.autoscaler.queuetime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StageStatisticsTest {

    private static final Instant T0 = Instant.parse("2026-11-03T09:00:00Z");

    @Test
    void percentilesAreNearestRankOverTheJobsThatHadTheStage() {
        List<JobTimeline> timelines = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            // job i: delivered after i s, started 10 s later on a warm runner (no pod stages)
            timelines.add(JobTimeline.of(new TimelineFacts(
                    T0,
                    T0.plusSeconds(i),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    T0.plusSeconds(i + 10),
                    null,
                    true,
                    false,
                    false,
                    null,
                    Duration.ZERO)));
        }
        StageStatistics s = StageStatistics.of(timelines);

        assertThat(s.jobs()).isEqualTo(20);
        assertThat(s.stages().get(Stage.DELIVERY).p50()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.stages().get(Stage.DELIVERY).p95()).isEqualTo(Duration.ofSeconds(19));
        assertThat(s.stages().get(Stage.JOB_STARTED).p50()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.stages().get(Stage.POD_SCHEDULED).samples()).isZero();
        assertThat(s.stages().get(Stage.POD_SCHEDULED).p50()).isNull();
        assertThat(s.queueWait().p95()).isEqualTo(Duration.ofSeconds(29));
        assertThat(s.capacity().p95()).isZero();
        assertThat(s.runnerStart().samples()).isEqualTo(20);
    }
}
