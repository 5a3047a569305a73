package dev.runnerscale.autoscaler.github;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the autoscaler reaches GitHub ({@code runnerscale.github.*}). Either a GitHub App ({@code app-id},
 * {@code private-key} or {@code private-key-file}, {@code installation-id}: all or nothing) or a personal access
 * token ({@code token}); with neither, GitHub access runs as a logged dry run.
 *
 * @param apiUrl REST API root; GitHub Enterprise Server uses {@code https://HOST/api/v3}
 * @param appId GitHub App id
 * @param privateKey the App's private key as PEM text (PKCS#1 as GitHub issues it, or PKCS#8)
 * @param privateKeyFile the App's private key as a PEM file, instead of {@code private-key}
 * @param installationId the App's installation in the organisation that owns the runners
 * @param token personal access token, instead of an App
 * @param connectTimeout TCP connect timeout of every GitHub call
 * @param readTimeout response timeout of every GitHub call
 * @param tokenRefreshMargin an installation token is renewed this long before its {@code expires_at}
 * @param rateLimitBackoff wait after a rate limit that names no time ({@code Retry-After}, exhausted reset)
 * @param circuitBreaker the circuit breaker around every GitHub call
 * @param rateLimiter our own pace of GitHub calls, below GitHub's secondary limits
 * @param repair the missed-event check of unfinished ledger jobs
 * @param redelivery the scan for failed webhook deliveries of the App
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

    @AssertTrue(message = "runnerscale.github.installation-id is required with runnerscale.github.app-id")
    public boolean isInstallationIdPresentForApp() {
        return appId == null || installationId != null;
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
     */
    public record Repair(
            @DefaultValue("5m") @NotNull Duration threshold,
            @DefaultValue("60s") @NotNull Duration interval,
            @DefaultValue("50") @Min(1) @Max(1000) int batchSize,
            @DefaultValue("24h") @NotNull Duration queuedLimit) {}

    /**
     * @param interval pause between two scans of the App's webhook deliveries (leader only)
     * @param lookBack how far back a scan reads; GitHub redelivers at most 3 days back
     * @param maxPerScan redeliveries requested per scan at most
     * @param maxPages delivery pages (100 each) read per scan at most
     * @param maxAttemptsPerDelivery redeliveries requested for one delivery guid at most
     */
    public record Redelivery(
            @DefaultValue("5m") @NotNull Duration interval,
            @DefaultValue("6h") @NotNull Duration lookBack,
            @DefaultValue("20") @Min(1) @Max(500) int maxPerScan,
            @DefaultValue("10") @Min(1) @Max(100) int maxPages,
            @DefaultValue("3") @Min(1) @Max(10) int maxAttemptsPerDelivery) {

        @AssertTrue(message = "runnerscale.github.redelivery.look-back must be positive and at most 3 days")
        public boolean isLookBackWithinGitHubLimit() {
            return lookBack != null
                    && !lookBack.isNegative()
                    && !lookBack.isZero()
                    && lookBack.compareTo(Duration.ofDays(3)) <= 0;
        }
    }
}
