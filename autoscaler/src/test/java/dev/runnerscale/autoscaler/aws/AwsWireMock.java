package dev.runnerscale.autoscaler.aws;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;

/**
 * EC2 and Auto Scaling played by WireMock on loopback: the SDK is pointed at it with {@code endpointOverride},
 * static credentials and a fixed region, and it answers in the services' query-protocol XML (EC2's own variant for
 * EC2). Requests are form-encoded POSTs naming their {@code Action}.
 */
public final class AwsWireMock implements AutoCloseable {

    public static final String EC2_NS = "http://ec2.amazonaws.com/doc/2016-11-15/";
    public static final String AS_NS = "http://autoscaling.amazonaws.com/doc/2011-01-01/";

    public final WireMockServer server =
            new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

    public AwsWireMock() {
        server.start();
    }

    public AwsProperties properties(int failuresToOpen) {
        return new AwsProperties(
                "us-east-1",
                URI.create(server.baseUrl()),
                AwsProperties.RetryMode.STANDARD,
                3,
                Duration.ofSeconds(10),
                new AwsProperties.CircuitBreaker(50, failuresToOpen, failuresToOpen, Duration.ofMinutes(1)));
    }

    public AwsClients clients(int failuresToOpen) {
        return new AwsClients(
                properties(failuresToOpen),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG")));
    }

    /** The production strategy (standard mode, 3 attempts) with no back-off wait, so tests stay fast. */
    public static RetryStrategy fastRetry(AwsClients clients) {
        return clients.retryStrategy().toBuilder()
                .backoffStrategy(BackoffStrategy.retryImmediately())
                .throttlingBackoffStrategy(BackoffStrategy.retryImmediately())
                .build();
    }

    static RetryStrategy standardRetry() {
        return AwsRetryStrategy.standardRetryStrategy();
    }

    public List<LoggedRequest> requests(String action) {
        return server.findAll(WireMock.postRequestedFor(WireMock.urlEqualTo("/"))
                .withRequestBody(WireMock.containing("Action=" + action)));
    }

    /** EC2's error document ({@code Response/Errors/Error}). */
    public static String ec2Error(String code, String message) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>" + code
                + "</Code><Message>" + message
                + "</Message></Error></Errors><RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>";
    }

    /** The query protocol's error document ({@code ErrorResponse/Error}). */
    public static String queryError(String type, String code, String message) {
        return "<ErrorResponse xmlns=\"" + AS_NS + "\"><Error><Type>" + type + "</Type><Code>" + code
                + "</Code><Message>" + message
                + "</Message></Error><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ErrorResponse>";
    }

    @Override
    public void close() {
        server.stop();
    }
}
