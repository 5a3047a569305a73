package dev.runnerscale.autoscaler.webhook;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The GitHub webhook intake ({@code runnerscale.webhook.*}).
 *
 * @param secrets webhook secrets; a delivery signed with any of them is accepted, so a secret can be rotated without
 *     downtime (env {@code RUNNERSCALE_WEBHOOK_SECRETS}, comma separated). Required.
 * @param maxBodySize larger bodies are refused with 413 before they are parsed
 * @param allowedOwners glob patterns of organisations / users whose jobs we take ({@code *}, {@code ?})
 * @param allowedRepositories glob patterns of {@code owner/repository} whose jobs we take
 * @param allowPublicRepositories take jobs of public repositories (a public fork could run code on our runners)
 * @param acknowledgeTimeout how long a request waits for its commit before answering 503 (GitHub waits 10 s)
 */
@Validated
@ConfigurationProperties("runnerscale.webhook")
public record WebhookProperties(
        @NotEmpty(message = "runnerscale.webhook.secrets must name at least one secret")
        List<String> secrets,

        @DefaultValue("1MB") @NotNull DataSize maxBodySize,
        @DefaultValue List<String> allowedOwners,
        @DefaultValue List<String> allowedRepositories,
        @DefaultValue("false") boolean allowPublicRepositories,
        @DefaultValue("8s") @NotNull Duration acknowledgeTimeout) {

    public WebhookProperties {
        secrets = secrets == null
                ? List.of()
                : secrets.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        allowedOwners = List.copyOf(allowedOwners);
        allowedRepositories = List.copyOf(allowedRepositories);
    }

    /** Never prints the secrets. */
    @Override
    public String toString() {
        return "WebhookProperties[secrets=<" + secrets.size() + " hidden>, maxBodySize=" + maxBodySize
                + ", allowedOwners=" + allowedOwners + ", allowedRepositories=" + allowedRepositories
                + ", allowPublicRepositories=" + allowPublicRepositories + ", acknowledgeTimeout="
                + acknowledgeTimeout + "]";
    }
}
