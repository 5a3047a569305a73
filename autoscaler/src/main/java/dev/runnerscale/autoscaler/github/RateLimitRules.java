package dev.runnerscale.autoscaler.github;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import org.springframework.http.HttpHeaders;

/**
 * GitHub's rate-limit rules: a 403 or 429 is a rate limit when it carries {@code Retry-After} (wait that long), or
 * {@code X-RateLimit-Remaining: 0} (wait until {@code X-RateLimit-Reset}), or is a 429 / a 403 whose message
 * names a rate limit (secondary limits without headers: wait at least a minute). Any other 403 (a missing
 * permission) is not a rate limit.
 */
final class RateLimitRules {

    private RateLimitRules() {}

    static Optional<Instant> retryAt(int status, HttpHeaders headers, String message, Instant now, Duration backoff) {
        if (status != 403 && status != 429) {
            return Optional.empty();
        }
        String retryAfter = headers.getFirst("Retry-After");
        if (retryAfter != null) {
            Optional<Instant> at = parseRetryAfter(retryAfter.trim(), now);
            if (at.isPresent()) {
                return at;
            }
        }
        if ("0".equals(trimmed(headers.getFirst("X-RateLimit-Remaining")))) {
            Optional<Instant> reset = parseReset(headers, now);
            if (reset.isPresent()) {
                return reset;
            }
            return Optional.of(now.plus(backoff));
        }
        boolean namesRateLimit =
                message != null && message.toLowerCase(Locale.ROOT).contains("rate limit");
        if (status == 429 || namesRateLimit) {
            return Optional.of(now.plus(backoff));
        }
        return Optional.empty();
    }

    private static Optional<Instant> parseRetryAfter(String value, Instant now) {
        try {
            long seconds = Long.parseLong(value);
            return Optional.of(now.plusSeconds(Math.max(0, seconds)));
        } catch (NumberFormatException notSeconds) {
            // Retry-After may also be an HTTP date.
            return parseHttpDate(value);
        }
    }

    /**
     * The reset is an epoch second of GitHub's clock. When GitHub's {@code Date} header is present the wait is
     * taken relative to it, so that a skewed local clock neither calls too early nor waits far too long.
     */
    static Optional<Instant> parseReset(HttpHeaders headers, Instant now) {
        String reset = trimmed(headers.getFirst("X-RateLimit-Reset"));
        if (reset == null) {
            return Optional.empty();
        }
        long resetEpoch;
        try {
            resetEpoch = Long.parseLong(reset);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        Instant resetAt = Instant.ofEpochSecond(resetEpoch);
        Optional<Instant> serverNow =
                Optional.ofNullable(headers.getFirst(HttpHeaders.DATE)).flatMap(RateLimitRules::parseHttpDate);
        if (serverNow.isPresent()) {
            Duration wait = Duration.between(serverNow.get(), resetAt);
            return Optional.of(now.plus(wait.isNegative() ? Duration.ZERO : wait));
        }
        return Optional.of(resetAt.isBefore(now) ? now : resetAt);
    }

    private static Optional<Instant> parseHttpDate(String value) {
        try {
            return Optional.of(ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String trimmed(String s) {
        return s == null ? null : s.trim();
    }
}
