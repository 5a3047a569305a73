package dev.runnerscale.autoscaler.aws;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * Builds the AWS clients once: region and credentials (the SDK's default chain unless a test passes static ones),
 * the SDK's own retry strategy (standard or adaptive, {@code max-attempts}) as the only retry layer, and one
 * resilience4j circuit breaker per client ({@code aws-ec2}, {@code aws-autoscaling}) around each call, which counts
 * only AWS's own trouble (throttling, 5xx, I/O) as failures. There is no retry of ours around either.
 */
public final class AwsClients implements AutoCloseable {

    private final AwsProperties properties;
    private final AwsCredentialsProvider credentials;
    private final CircuitBreakerRegistry breakers;
    private final java.util.List<AutoCloseable> built = new java.util.concurrent.CopyOnWriteArrayList<>();

    public AwsClients(AwsProperties properties) {
        this(properties, DefaultCredentialsProvider.builder().build());
    }

    /** With explicit credentials (tests: static ones against WireMock). */
    public AwsClients(AwsProperties properties, AwsCredentialsProvider credentials) {
        if (!properties.configured()) {
            throw new IllegalStateException("runnerscale.aws.region is not set: AWS cannot be used");
        }
        this.properties = properties;
        this.credentials = credentials;
        AwsProperties.CircuitBreaker cb = properties.circuitBreaker();
        this.breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .failureRateThreshold(cb.failureRateThreshold())
                .slidingWindowSize(cb.slidingWindow())
                .minimumNumberOfCalls(cb.minimumCalls())
                .waitDurationInOpenState(cb.waitInOpenState())
                .recordException(AwsClients::isAwsTrouble)
                .build());
    }

    /** AWS's trouble, not ours: throttling, 5xx, I/O and timeouts. A 4xx (validation, access denied) is not. */
    static boolean isAwsTrouble(Throwable t) {
        if (t instanceof AwsServiceException e) {
            return e.isThrottlingException() || e.statusCode() >= 500;
        }
        return t instanceof SdkClientException;
    }

    RetryStrategy retryStrategy() {
        RetryStrategy base = properties.retryMode() == AwsProperties.RetryMode.ADAPTIVE
                ? AwsRetryStrategy.adaptiveRetryStrategy()
                : AwsRetryStrategy.standardRetryStrategy();
        return base.toBuilder().maxAttempts(properties.maxAttempts()).build();
    }

    private ClientOverrideConfiguration overrides(RetryStrategy retry) {
        return ClientOverrideConfiguration.builder()
                .retryStrategy(retry)
                .apiCallTimeout(properties.apiCallTimeout())
                .build();
    }

    public Ec2Client ec2() {
        return ec2(retryStrategy());
    }

    /** With a retry strategy of the same mode and attempts but a test's back-off (WireMock tests stay fast). */
    public Ec2Client ec2(RetryStrategy retry) {
        var builder = Ec2Client.builder()
                .region(Region.of(properties.region()))
                .credentialsProvider(credentials)
                .overrideConfiguration(overrides(retry));
        if (properties.endpointOverride() != null) {
            builder.endpointOverride(properties.endpointOverride());
        }
        Ec2Client client = builder.build();
        built.add(client);
        return client;
    }

    public AutoScalingClient autoScaling() {
        return autoScaling(retryStrategy());
    }

    public AutoScalingClient autoScaling(RetryStrategy retry) {
        var builder = AutoScalingClient.builder()
                .region(Region.of(properties.region()))
                .credentialsProvider(credentials)
                .overrideConfiguration(overrides(retry));
        if (properties.endpointOverride() != null) {
            builder.endpointOverride(properties.endpointOverride());
        }
        AutoScalingClient client = builder.build();
        built.add(client);
        return client;
    }

    public CircuitBreaker breaker(String name) {
        return breakers.circuitBreaker(name);
    }

    /** resilience4j's meters ({@code resilience4j_circuitbreaker_state{name="aws-ec2"|"aws-autoscaling"}}). */
    public void bindMetrics(MeterRegistry registry) {
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(registry);
    }

    /** Runs one AWS call (the SDK retries inside it) through the client's circuit breaker. */
    public static <T> T call(CircuitBreaker breaker, Supplier<T> call) {
        try {
            return breaker.executeSupplier(call);
        } catch (CallNotPermittedException e) {
            throw new AwsUnavailableException("AWS " + breaker.getName() + " not called: circuit breaker is open", e);
        }
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : built) {
            c.close();
        }
    }

    /** AWS is not called now (open circuit). */
    public static final class AwsUnavailableException extends RuntimeException {
        AwsUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
