package dev.runnerscale.autoscaler.runners;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How runner pods are reconciled ({@code runnerscale.runners.*}).
 *
 * @param enabled whether this replica runs the reconciler at all (webhook intake works either way)
 * @param namePrefix prefix of every GitHub runner name this installation registers ({@code <prefix><pool>-<slot>-<5
 *     random>}); runners of ours with no pod are found by it and removed, so it must be unique per installation
 *     sharing a GitHub scope
 * @param resyncPeriod periodic full pass, in addition to webhook and pod-event triggers
 * @param failureBackoffInitial first wait before creating runners again after one exited without taking a job;
 *     doubled per consecutive failure
 * @param failureBackoffMax longest such wait
 * @param registrationGrace how long a pod created by another replica (or before a restart) may stay unregistered
 *     before this replica registers it again under a fresh runner name
 * @param githubSyncInterval least time between two listings of a GitHub scope's runners (busy flags, online state,
 *     orphans) while a pool of the scope has pods, pending registrations or jobs
 * @param githubIdleSyncInterval least time between two listings of a scope none of whose pools has pods or jobs, and
 *     of every scope while GitHub's remaining rate budget of its credential is under the reserve
 * @param githubBudgetReserve share of a credential's hourly GitHub rate limit kept in reserve: under it, listings slow
 *     down to the idle interval so that the budget left goes to registering runners for jobs
 * @param onlineGrace how long a registered, running runner may stay offline on GitHub (egress blocked, bad image)
 *     before it is replaced
 * @param poolHoldInitial how long a pool's GitHub work waits after GitHub refused one of its calls (401, 403, 404,
 *     422: a setting to fix, not an outage); doubled per consecutive refusal
 * @param poolHoldMax longest such wait
 * @param drainNamespaces namespaces, besides those of the configured pools, whose runner pods of pools no longer
 *     configured are drained (set the old namespace here after moving a pool)
 * @param eventDedupeWindow repeated Kubernetes Events of the same reason on the same object within this window only
 *     increment the count of the first
 * @param minPassInterval least time between the starts of two passes: a trigger after a quiet spell runs a pass at
 *     once, but a storm of webhook commits (hundreds a second) costs at most one pass per interval, each seeing
 *     everything that changed meanwhile
 */
@Validated
@ConfigurationProperties("runnerscale.runners")
public record RunnersProperties(
        @DefaultValue("true") boolean enabled,

        @DefaultValue("rs-") @NotNull @Pattern(regexp = "[a-z0-9-]{1,10}", message = "must be 1 to 10 of [a-z0-9-]")
        String namePrefix,

        @DefaultValue("30s") @NotNull Duration resyncPeriod,
        @DefaultValue("1s") @NotNull Duration failureBackoffInitial,
        @DefaultValue("5m") @NotNull Duration failureBackoffMax,
        @DefaultValue("60s") @NotNull Duration registrationGrace,
        @DefaultValue("5s") @NotNull Duration githubSyncInterval,
        @DefaultValue("5m") @NotNull Duration githubIdleSyncInterval,

        @DefaultValue("0.2") @DecimalMin("0.0") @DecimalMax("0.9")
        double githubBudgetReserve,

        @DefaultValue("3m") @NotNull Duration onlineGrace,
        @DefaultValue("30s") @NotNull Duration poolHoldInitial,
        @DefaultValue("15m") @NotNull Duration poolHoldMax,
        @DefaultValue List<@NotBlank String> drainNamespaces,
        @DefaultValue("10m") @NotNull Duration eventDedupeWindow,
        @DefaultValue("20ms") @NotNull Duration minPassInterval) {

    public RunnersProperties {
        drainNamespaces = List.copyOf(drainNamespaces);
    }

    @AssertTrue(message = "runnerscale.runners.github-idle-sync-interval must not be shorter than github-sync-interval")
    public boolean isIdleSyncNotFaster() {
        return githubSyncInterval == null
                || githubIdleSyncInterval == null
                || githubIdleSyncInterval.compareTo(githubSyncInterval) >= 0;
    }
}
