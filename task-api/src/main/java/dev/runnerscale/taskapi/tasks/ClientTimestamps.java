package dev.runnerscale.taskapi.tasks;

import dev.runnerscale.taskapi.config.TaskApiProperties;
import dev.runnerscale.taskapi.web.ApiProblem;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/** Reads and checks {@code X-Client-Timestamp}: RFC 3339 with an offset, at most millisecond precision. */
@Component
class ClientTimestamps {

    static final String HEADER = "X-Client-Timestamp";

    // RFC 3339 date-time with a mandatory offset; more than 3 fractional digits would be silently truncated by a
    // millisecond comparison, so they are refused rather than allowed to make two distinct writes look equal.
    private static final Pattern RFC_3339 =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,3})?([Zz]|[+-]\\d{2}:\\d{2})");

    private final Clock clock;
    private final Duration maxSkew;

    ClientTimestamps(Clock clock, TaskApiProperties properties) {
        this.clock = clock;
        this.maxSkew = properties.maxClockSkew();
    }

    Instant parse(@Nullable String header) {
        if (header == null || header.isBlank()) {
            throw ApiProblem.badRequest(
                    "missing-client-timestamp", "Every write needs the header " + HEADER + " (RFC 3339 with offset).");
        }
        if (header.length() > 40 || !RFC_3339.matcher(header).matches()) {
            throw malformed();
        }
        Instant timestamp;
        try {
            timestamp = OffsetDateTime.parse(header.toUpperCase(java.util.Locale.ROOT))
                    .toInstant();
        } catch (DateTimeParseException e) {
            throw malformed();
        }
        if (timestamp.isAfter(clock.instant().plus(maxSkew))) {
            throw ApiProblem.badRequest(
                    "client-timestamp-in-future",
                    HEADER + " lies more than " + maxSkew + " in the future of the server clock.");
        }
        return timestamp;
    }

    private static ApiProblem malformed() {
        return ApiProblem.badRequest(
                "malformed-client-timestamp",
                HEADER + " must be an RFC 3339 date-time with offset and at most millisecond precision,"
                        + " e.g. 2026-11-21T23:59:59.123Z.");
    }
}
