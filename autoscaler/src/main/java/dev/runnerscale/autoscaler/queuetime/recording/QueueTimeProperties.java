package dev.runnerscale.autoscaler.queuetime.recording;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Queue time by stage and the stuck-demand detector ({@code runnerscale.queue-time.*}).
 *
 * @param stuckThreshold a queued job may be stuck once it has been queued this long
 * @param stuckConfirm how long the pool's reason (an offline runner, an idle runner, no pod pending below max) must
 *     have held; keep it below {@code runnerscale.runners.online-grace}, or an offline runner is replaced before it
 *     counts
 * @param stuckCheckInterval how often, at most, a pool's queued jobs are checked while a reason holds
 * @param demandSeenInterval how often, at most, a pool's queued jobs are stamped "demand seen" (each stamp carries
 *     the exact pass instants since the previous one)
 * @param statisticsWindow the pool view's percentiles are over jobs completed within this window
 * @param statisticsJobs and over at most this many of them (the most recent)
 */
@Validated
@ConfigurationProperties("runnerscale.queue-time")
public record QueueTimeProperties(
        @DefaultValue("5m") @NotNull Duration stuckThreshold,
        @DefaultValue("1m") @NotNull Duration stuckConfirm,
        @DefaultValue("15s") @NotNull Duration stuckCheckInterval,
        @DefaultValue("1s") @NotNull Duration demandSeenInterval,
        @DefaultValue("1h") @NotNull Duration statisticsWindow,
        @DefaultValue("500") @Min(1) @Max(5000) int statisticsJobs) {

    @AssertTrue(message = "runnerscale.queue-time durations must be positive (demand-seen-interval at most 1m)")
    public boolean isEveryDurationValid() {
        return positive(stuckThreshold)
                && positive(stuckConfirm)
                && positive(stuckCheckInterval)
                && positive(statisticsWindow)
                && positive(demandSeenInterval)
                && (demandSeenInterval == null || demandSeenInterval.compareTo(Duration.ofMinutes(1)) <= 0);
    }

    private static boolean positive(Duration d) {
        return d == null || (!d.isNegative() && !d.isZero());
    }
}
