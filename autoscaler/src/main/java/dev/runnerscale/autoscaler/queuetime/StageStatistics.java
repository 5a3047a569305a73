package dev.runnerscale.autoscaler.queuetime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The 50th and 95th percentiles (nearest rank) of each wait stage and of the queue wait and its parts over a set of
 * jobs' timelines — a pool's recent jobs. A stage's figures are over the jobs that had it (a warm runner's job has no
 * pod stages), so the stages' medians need not add up to the queue wait's.
 */
public record StageStatistics(
        int jobs,
        Map<Stage, Percentiles> stages,
        Percentiles queueWait,
        Percentiles capacity,
        Percentiles runnerStart) {

    /** Percentiles of one series; null durations when it has no sample. */
    public record Percentiles(int samples, Duration p50, Duration p95) {

        static Percentiles of(List<Duration> values) {
            if (values.isEmpty()) {
                return new Percentiles(0, null, null);
            }
            List<Duration> sorted = new ArrayList<>(values);
            Collections.sort(sorted);
            return new Percentiles(sorted.size(), rank(sorted, 0.50), rank(sorted, 0.95));
        }

        private static Duration rank(List<Duration> sorted, double p) {
            int index = (int) Math.ceil(p * sorted.size()) - 1;
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
        }
    }

    public static StageStatistics of(List<JobTimeline> timelines) {
        Map<Stage, List<Duration>> byStage = new EnumMap<>(Stage.class);
        Stage.WAIT_STAGES.forEach(s -> byStage.put(s, new ArrayList<>()));
        for (JobTimeline t : timelines) {
            t.waitSamples().forEach((stage, d) -> byStage.get(stage).add(d));
        }
        Map<Stage, Percentiles> stages = new LinkedHashMap<>();
        byStage.forEach((stage, values) -> stages.put(stage, Percentiles.of(values)));
        return new StageStatistics(
                timelines.size(),
                stages,
                part(timelines, QueueWait::total),
                part(timelines, QueueWait::capacity),
                part(timelines, QueueWait::runnerStart));
    }

    private static Percentiles part(List<JobTimeline> timelines, Function<QueueWait, Duration> part) {
        List<Duration> values = new ArrayList<>();
        for (JobTimeline t : timelines) {
            if (t.queueWait() != null && part.apply(t.queueWait()) != null) {
                values.add(part.apply(t.queueWait()));
            }
        }
        return Percentiles.of(values);
    }
}
