package dev.runnerscale.autoscaler.aws;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * AWS access ({@code runnerscale.aws.*}). Credentials always come from the SDK's default chain (IRSA on EKS,
 * environment, profile); none are configured here.
 *
 * @param region the AWS region of the cluster's nodes, for example {@code us-east-1}; blank = no AWS (nothing is
 *     ever sent to AWS; required by spot price source {@code ec2} and capacity provider {@code auto-scaling-group})
 * @param endpointOverride a different endpoint for both EC2 and Auto Scaling (tests, VPC endpoints); blank = AWS's
 * @param retryMode the SDK's own retry ({@code standard} or {@code adaptive}), the only retry layer
 * @param maxAttempts attempts per call, the first included
 * @param apiCallTimeout the longest a call may take, retries included
 * @param circuitBreaker the one circuit breaker around each AWS client's calls
 */
@Validated
@ConfigurationProperties("runnerscale.aws")
public record AwsProperties(
        @DefaultValue("") String region,
        URI endpointOverride,
        @DefaultValue("standard") @NotNull RetryMode retryMode,
        @DefaultValue("3") @Min(1) @Max(10) int maxAttempts,
        @DefaultValue("20s") @NotNull Duration apiCallTimeout,
        @DefaultValue @NotNull @Valid CircuitBreaker circuitBreaker) {

    public enum RetryMode {
        STANDARD,
        ADAPTIVE
    }

    /**
     * @param failureRateThreshold percentage of failed calls (throttling, 5xx, I/O) in the window that opens it
     * @param slidingWindow calls in the window
     * @param minimumCalls calls before the rate is judged
     * @param waitInOpenState how long it stays open before letting a trial call through
     */
    public record CircuitBreaker(
            @DefaultValue("50") @Min(1) @Max(100) int failureRateThreshold,
            @DefaultValue("10") @Min(1) int slidingWindow,
            @DefaultValue("5") @Min(1) int minimumCalls,
            @DefaultValue("30s") @NotNull Duration waitInOpenState) {}

    public boolean configured() {
        return region != null && !region.isBlank();
    }
}
