package dev.runnerscale.taskapi.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the Task API under {@code taskapi.*}.
 *
 * @param maxBodySize largest request body accepted; larger bodies are answered 413 before any parsing
 * @param maxClockSkew how far a client's {@code X-Client-Timestamp} may lie in the future of the server clock
 * @param tombstones how long deleted tasks keep their tombstone
 * @param bootstrapToken an admin token seeded at start-up (env {@code TASKAPI_BOOTSTRAP_TOKEN}); blank = none
 */
@ConfigurationProperties("taskapi")
@Validated
public record TaskApiProperties(
        @NotNull @DefaultValue("64KB") DataSize maxBodySize,
        @NotNull @DefaultValue("5m") Duration maxClockSkew,
        @NotNull @Valid @DefaultValue Tombstones tombstones,
        @Nullable String bootstrapToken) {

    private static final Pattern BEARER_TOKEN = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");

    public TaskApiProperties {
        if (maxBodySize != null && (maxBodySize.toBytes() < 1 || maxBodySize.toMegabytes() > 10)) {
            throw new IllegalArgumentException("taskapi.max-body-size must be between 1B and 10MB, was " + maxBodySize);
        }
        if (maxClockSkew != null && maxClockSkew.isNegative()) {
            throw new IllegalArgumentException("taskapi.max-clock-skew must not be negative, was " + maxClockSkew);
        }
        if (bootstrapToken != null && bootstrapToken.isBlank()) {
            bootstrapToken = null;
        }
        if (bootstrapToken != null && (bootstrapToken.length() < 32 || bootstrapToken.length() > 200)) {
            // Never echo the value: it is a secret.
            throw new IllegalArgumentException(
                    "taskapi.bootstrap-token (TASKAPI_BOOTSTRAP_TOKEN) must be 32 to 200 characters long");
        }
        if (bootstrapToken != null && !BEARER_TOKEN.matcher(bootstrapToken).matches()) {
            // Clients send it as "Authorization: Bearer <token>", whose syntax RFC 6750 limits (b64token).
            throw new IllegalArgumentException("taskapi.bootstrap-token (TASKAPI_BOOTSTRAP_TOKEN) may only contain"
                    + " letters, digits and - . _ ~ + / (with = at the end), as a bearer token must");
        }
    }

    /**
     * @param retention how long a tombstone is kept; an older write arriving after this may recreate the task
     * @param purgeInterval how often expired tombstones are removed
     */
    public record Tombstones(
            @NotNull @DefaultValue("7d") Duration retention,
            @NotNull @DefaultValue("1h") Duration purgeInterval) {

        public Tombstones {
            if (retention != null && (retention.isNegative() || retention.isZero())) {
                throw new IllegalArgumentException("taskapi.tombstones.retention must be positive, was " + retention);
            }
            if (purgeInterval != null && (purgeInterval.isNegative() || purgeInterval.isZero())) {
                throw new IllegalArgumentException(
                        "taskapi.tombstones.purge-interval must be positive, was " + purgeInterval);
            }
        }
    }
}
