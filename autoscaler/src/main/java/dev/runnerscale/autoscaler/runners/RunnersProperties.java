package dev.runnerscale.autoscaler.runners;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How runner pods are reconciled ({@code runnerscale.runners.*}).
 *
 * @param enabled whether this replica runs the reconciler at all (webhook intake works either way)
 * @param namePrefix prefix of every GitHub runner name this installation registers; runners of ours with no pod
 *     are found by it and removed, so it must be unique per installation sharing a GitHub scope
 * @param resyncPeriod periodic full pass, in addition to webhook and pod-event triggers
 * @param failureBackoffInitial first wait before replacing a failed pod; doubled per consecutive failure
 * @param failureBackoffMax longest wait before replacing a failed pod
 * @param registrationGrace how long a pod created by another replica (or before a restart) may stay unregistered
 *     before this replica registers it again under a fresh runner name
 * @param githubSyncInterval least time between two listings of a pool's GitHub runners (busy flags, orphans)
 * @param eventDedupeWindow repeated Kubernetes Events of the same reason on the same pod within this window only
 *     increment the count of the first
 * @param minPassInterval least time between the starts of two passes: a trigger after a quiet spell runs a pass at
 *     once, but a storm of webhook commits (hundreds a second) costs at most one pass per interval, each seeing
 *     everything that changed meanwhile
 */
@Validated
@ConfigurationProperties("runnerscale.runners")
public record RunnersProperties(
        @DefaultValue("true") boolean enabled,

        @DefaultValue("rs-") @NotNull @Pattern(regexp = "[a-z0-9-]{0,10}", message = "must be at most 10 of [a-z0-9-]")
        String namePrefix,

        @DefaultValue("30s") @NotNull Duration resyncPeriod,
        @DefaultValue("1s") @NotNull Duration failureBackoffInitial,
        @DefaultValue("5m") @NotNull Duration failureBackoffMax,
        @DefaultValue("60s") @NotNull Duration registrationGrace,
        @DefaultValue("5s") @NotNull Duration githubSyncInterval,
        @DefaultValue("10m") @NotNull Duration eventDedupeWindow,
        @DefaultValue("20ms") @NotNull Duration minPassInterval) {}
