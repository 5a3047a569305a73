package dev.runnerscale.autoscaler.api;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The operator read API ({@code runnerscale.api.*}).
 *
 * @param token when set, every {@code /api/**} request needs {@code Authorization: Bearer <token>}; the production
 *     configuration sets it (env {@code RUNNERSCALE_API_TOKEN})
 */
@ConfigurationProperties("runnerscale.api")
public record ApiProperties(String token) {

    public boolean tokenRequired() {
        return token != null && !token.isBlank();
    }

    @Override
    public String toString() {
        return "ApiProperties[token=" + (tokenRequired() ? "<hidden>" : "<none>") + "]";
    }
}
