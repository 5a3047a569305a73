package dev.runnerscale.autoscaler.leader;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Leader election on a Kubernetes {@code Lease} ({@code runnerscale.kubernetes.leader-election.*}).
 *
 * @param enabled false: this replica always leads (a single replica, or the local default)
 * @param leaseName name of the Lease
 * @param namespace namespace of the Lease (the autoscaler's own)
 * @param identity this replica's identity in the Lease; blank: the host name (the pod name in a cluster)
 * @param leaseDuration how long a leader's claim holds without renewal (hand-over time after a crash)
 * @param renewDeadline how long the leader keeps trying to renew before it gives up leading
 * @param retryPeriod how often candidates try to acquire and the leader renews
 */
@Validated
@ConfigurationProperties("runnerscale.kubernetes.leader-election")
public record LeaderElectionProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("runnerscale-autoscaler") @NotBlank String leaseName,
        @DefaultValue("runnerscale") @NotBlank String namespace,
        @DefaultValue("") String identity,
        @DefaultValue("15s") @NotNull Duration leaseDuration,
        @DefaultValue("10s") @NotNull Duration renewDeadline,
        @DefaultValue("2s") @NotNull Duration retryPeriod) {

    @AssertTrue(message = "runnerscale.kubernetes.leader-election needs lease-duration > renew-deadline > retry-period")
    public boolean isOrdered() {
        return leaseDuration == null
                || renewDeadline == null
                || retryPeriod == null
                || (leaseDuration.compareTo(renewDeadline) > 0 && renewDeadline.compareTo(retryPeriod) > 0);
    }
}
