package dev.runnerscale.autoscaler.github;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the autoscaler reaches GitHub ({@code runnerscale.github.*}). Either a GitHub App ({@code app-id} with
 * {@code private-key} or {@code private-key-file}; {@code installation-id} optional) or a personal access token
 * ({@code token}); with neither, GitHub access runs as a logged dry run.
 *
 * @param apiUrl REST API root; GitHub Enterprise Server uses {@code https://HOST/api/v3}
 * @param appId GitHub App id
 * @param privateKey the App's private key as PEM text (PKCS#1 as GitHub issues it, or PKCS#8)
 * @param privateKeyFile the App's private key as a PEM file, instead of {@code private-key}
 * @param installationId optional pin: when set, this one installation serves every scope and job and no
 *     installation is looked up (the single-organisation set-up); unset, each organisation's or repository's
 *     installation is found with {@code GET /orgs/{org}/installation} or {@code GET /repos/{owner}/{repo}/installation}
 * @param token personal access token, instead of an App
 * @param connectTimeout TCP connect timeout of every GitHub call
 * @param readTimeout response timeout of every GitHub call
 * @param tokenRefreshMargin an installation token is renewed this long before its {@code expires_at}
 * @param rateLimitBackoff wait after a rate limit that names no time ({@code Retry-After}, exhausted reset)
 * @param circuitBreaker the circuit breaker around every GitHub call
 * @param rateLimiter our own pace of GitHub calls, below GitHub's secondary limits
 * @param installationCache how long installation lookups are remembered
 * @param repair the missed-event check of unfinished ledger jobs
 * @param redelivery the scan for failed webhook deliveries of the App's hook and of configured hooks
 */
@Validated
@ConfigurationProperties("runnerscale.github")
public record GitHubProperties(
        @DefaultValue("https://api.github.com") @NotNull URI apiUrl,
        Long appId,
        String privateKey,
        Path privateKeyFile,
        Long installationId,
        String token,
        @DefaultValue("5s") @NotNull Duration connectTimeout,
        @DefaultValue("15s") @NotNull Duration readTimeout,
        @DefaultValue("5m") @NotNull Duration tokenRefreshMargin,
        @DefaultValue("60s") @NotNull Duration rateLimitBackoff,
        @DefaultValue @NotNull @Valid CircuitBreaker circuitBreaker,
        @DefaultValue @NotNull @Valid RateLimiter rateLimiter,
        @DefaultValue @NotNull @Valid InstallationCache installationCache,
        @DefaultValue @NotNull @Valid Repair repair,
        @DefaultValue @NotNull @Valid Redelivery redelivery) {

    /** Which credentials are configured. */
    public enum Mode {
        APP,
        TOKEN,
        DRY_RUN
    }

    public Mode mode() {
        if (appId != null) {
            return Mode.APP;
        }
        return hasText(token) ? Mode.TOKEN : Mode.DRY_RUN;
    }

    @AssertTrue(
            message = "runnerscale.github.private-key or runnerscale.github.private-key-file is required with"
                    + " runnerscale.github.app-id")
    public boolean isPrivateKeyPresentForApp() {
        return appId == null || hasText(privateKey) || privateKeyFile != null;
    }

    @AssertTrue(message = "runnerscale.github.installation-id must be a positive installation id")
    public boolean isInstallationIdPositive() {
        return installationId == null || installationId > 0;
    }

    @AssertTrue(
            message = "runnerscale.github.app-id is required with runnerscale.github.private-key,"
                    + " private-key-file or installation-id")
    public boolean isAppIdPresentForAppSettings() {
        return appId != null || (!hasText(privateKey) && privateKeyFile == null && installationId == null);
    }

    @AssertTrue(message = "runnerscale.github.private-key and runnerscale.github.private-key-file are exclusive")
    public boolean isOnlyOnePrivateKeySource() {
        return !(hasText(privateKey) && privateKeyFile != null);
    }

    @AssertTrue(message = "runnerscale.github.token and runnerscale.github.app-id are exclusive")
    public boolean isEitherTokenOrApp() {
        return !(hasText(token) && appId != null);
    }

    private static boolean hasText(String s) {
        return s != null && !s.isBlank();
    }

    // The record's default toString would print the private key and the token.
    @Override
    public String toString() {
        return "GitHubProperties[apiUrl=" + apiUrl + ", mode=" + mode() + ", appId=" + appId + ", installationId="
                + installationId + "]";
    }

    /**
     * @param failureRateThreshold percentage of failed calls (5xx, timeouts) that opens the circuit
     * @param slidingWindowSize calls the failure rate is computed over
     * @param minimumNumberOfCalls calls needed before the failure rate counts
     * @param waitInOpenState how long an open circuit refuses calls before letting probes through
     * @param permittedCallsInHalfOpenState probe calls of a half-open circuit
     */
    public record CircuitBreaker(
            @DefaultValue("50") @Min(1) @Max(100) int failureRateThreshold,
            @DefaultValue("20") @Min(1) int slidingWindowSize,
            @DefaultValue("10") @Min(1) int minimumNumberOfCalls,
            @DefaultValue("30s") @NotNull Duration waitInOpenState,
            @DefaultValue("3") @Min(1) int permittedCallsInHalfOpenState) {}

    /**
     * @param limitForPeriod calls allowed per {@code refresh-period}
     * @param refreshPeriod the period of {@code limit-for-period}
     * @param timeout how long a call may wait for a permit before it is refused. Zero by default: the reconcile
     *     loop is one thread, and a pass waiting here for a GitHub permit would hold back the next pass's pod
     *     creation (measured: p99 reaction 935 ms at 2 s). Refused work is held and redone by a later pass.
     */
    public record RateLimiter(
            @DefaultValue("10") @Min(1) int limitForPeriod,
            @DefaultValue("1s") @NotNull Duration refreshPeriod,
            @DefaultValue("0s") @NotNull Duration timeout) {}

    /**
     * @param threshold a queued or in-progress job unchanged for this long is checked against GitHub
     * @param interval pause between two passes (leader only)
     * @param batchSize jobs checked per pass at most
     * @param queuedLimit GitHub cancels a job queued this long; older queued demand expires without a call
     * @param rejectedRetry a job whose check GitHub refused (401, 403, 422, App not installed) is set aside this
     *     long before it is checked again, so that it does not come first in every pass
     */
    public record Repair(
            @DefaultValue("5m") @NotNull Duration threshold,
            @DefaultValue("60s") @NotNull Duration interval,
            @DefaultValue("50") @Min(1) @Max(1000) int batchSize,
            @DefaultValue("24h") @NotNull Duration queuedLimit,
            @DefaultValue("30m") @NotNull Duration rejectedRetry) {

        @AssertTrue(message = "runnerscale.github.repair.rejected-retry must be positive")
        public boolean isRejectedRetryPositive() {
            return rejectedRetry != null && !rejectedRetry.isNegative() && !rejectedRetry.isZero();
        }
    }

    /**
     * @param ttl an installation found for an organisation or repository is used this long without asking again
     *     (an uninstalled App shows sooner: a token mint answering 404 drops it at once)
     * @param notInstalledTtl an organisation or repository where the App is not installed (lookup 404) is not asked
     *     again for this long; its calls are refused as {@code not_installed} meanwhile
     */
    public record InstallationCache(
            @DefaultValue("1h") @NotNull Duration ttl,
            @DefaultValue("5m") @NotNull Duration notInstalledTtl) {

        @AssertTrue(message = "runnerscale.github.installation-cache.ttl and not-installed-ttl must be positive")
        public boolean isPositive() {
            return ttl != null
                    && notInstalledTtl != null
                    && ttl.compareTo(Duration.ZERO) > 0
                    && notInstalledTtl.compareTo(Duration.ZERO) > 0;
        }
    }

    /**
     * @param interval pause between two scans of the webhook deliveries (leader only)
     * @param lookBack how far back a scan reads; GitHub redelivers at most 3 days back
     * @param maxPerScan redeliveries requested per scan at most
     * @param maxPages delivery pages (100 each) read per scan at most
     * @param maxAttemptsPerDelivery redeliveries requested for one delivery guid at most
     * @param hooks organisation or repository webhooks whose failed deliveries are redelivered too (with a personal
     *     access token the only way to recover a lost delivery; with an App, the App's own hook always is)
     */
    public record Redelivery(
            @DefaultValue("5m") @NotNull Duration interval,
            @DefaultValue("6h") @NotNull Duration lookBack,
            @DefaultValue("20") @Min(1) @Max(500) int maxPerScan,
            @DefaultValue("10") @Min(1) @Max(100) int maxPages,
            @DefaultValue("3") @Min(1) @Max(10) int maxAttemptsPerDelivery,
            @DefaultValue List<@NotNull @Valid HookRef> hooks) {

        public Redelivery {
            hooks = List.copyOf(hooks);
        }

        @AssertTrue(message = "runnerscale.github.redelivery.hooks must not name the same hook twice")
        public boolean isEveryHookOnce() {
            return hooks.stream().map(HookRef::key).distinct().count() == hooks.size();
        }

        @AssertTrue(message = "runnerscale.github.redelivery.look-back must be positive and at most 3 days")
        public boolean isLookBackWithinGitHubLimit() {
            return lookBack != null
                    && !lookBack.isNegative()
                    && !lookBack.isZero()
                    && lookBack.compareTo(Duration.ofDays(3)) <= 0;
        }
    }

    /**
     * A webhook configured on an organisation ({@code repository} empty) or on a repository, by its id (shown in
     * the hook's settings URL, or by {@code GET /orgs/{org}/hooks}).
     *
     * @param owner the organisation, or the repository's owner
     * @param repository the repository's name, empty for an organisation hook
     * @param id the hook id
     */
    public record HookRef(
            @NotBlank @Pattern(regexp = LOGIN, message = "must be a GitHub organisation or user login")
            String owner,

            @DefaultValue("") @Pattern(regexp = "|" + REPOSITORY, message = "must be a GitHub repository name")
            String repository,

            @Min(1) long id) {

        static final String LOGIN = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})";
        static final String REPOSITORY = "[A-Za-z0-9._-]{1,100}";

        public boolean organisationHook() {
            return repository == null || repository.isEmpty();
        }

        String key() {
            return (owner + "/" + (repository == null ? "" : repository) + "#" + id).toLowerCase(Locale.ROOT);
        }
    }
}
