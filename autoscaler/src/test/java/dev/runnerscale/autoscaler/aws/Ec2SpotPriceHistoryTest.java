package dev.runnerscale.autoscaler.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.runnerscale.autoscaler.cost.PricePoint;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** DescribeSpotPriceHistory against WireMock in EC2's XML: pages, throttling retried by the SDK, the breaker. */
class Ec2SpotPriceHistoryTest {

    private final AwsWireMock aws = new AwsWireMock();

    @AfterEach
    void close() {
        aws.close();
    }

    private static String page(String nextToken, String... items) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DescribeSpotPriceHistoryResponse xmlns=\""
                + AwsWireMock.EC2_NS + "\">\n  <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>\n"
                + "  <spotPriceHistorySet>" + String.join("", items) + "</spotPriceHistorySet>\n"
                + (nextToken == null ? "  <nextToken/>\n" : "  <nextToken>" + nextToken + "</nextToken>\n")
                + "</DescribeSpotPriceHistoryResponse>";
    }

    private static String item(String type, String zone, String zoneId, String price, String at) {
        return "<item><instanceType>" + type + "</instanceType><productDescription>Linux/UNIX</productDescription>"
                + "<spotPrice>" + price + "</spotPrice><timestamp>" + at + "</timestamp><availabilityZone>" + zone
                + "</availabilityZone><availabilityZoneId>" + zoneId + "</availabilityZoneId></item>";
    }

    private Ec2SpotPriceHistory history(int failuresToOpen) {
        AwsClients clients = aws.clients(failuresToOpen);
        return new Ec2SpotPriceHistory(clients.ec2(AwsWireMock.fastRetry(clients)), clients.breaker("aws-ec2"));
    }

    @Test
    void readsEveryPageWithTheNextTokenAndKeysPricesByZoneNameAndId() {
        aws.server.stubFor(post(urlEqualTo("/"))
                .withRequestBody(containing("Action=DescribeSpotPriceHistory"))
                .withRequestBody(containing("ProductDescription.1=Linux%2FUNIX"))
                .atPriority(2)
                .willReturn(aResponse()
                        .withHeader("Content-Type", "text/xml;charset=UTF-8")
                        .withBody(page(
                                "tok-page-2",
                                item("c5.xlarge", "us-east-1a", "use1-az4", "0.070000", "2026-03-02T09:12:00.000Z")))));
        aws.server.stubFor(post(urlEqualTo("/"))
                .withRequestBody(containing("NextToken=tok-page-2"))
                .atPriority(1)
                .willReturn(aResponse()
                        .withHeader("Content-Type", "text/xml;charset=UTF-8")
                        .withBody(page(
                                null,
                                item("c5.xlarge", "us-east-1a", "use1-az4", "0.085000", "2026-03-02T10:30:00.000Z"),
                                item("m5.large", "us-east-1b", "use1-az6", "0.036100", "2026-03-02T08:00:00.000Z")))));

        List<PricePoint> points = history(5)
                .fetch(
                        Set.of("c5.xlarge", "m5.large"),
                        Set.of("us-east-1a", "us-east-1b"),
                        Instant.parse("2026-03-01T10:00:00Z"));

        assertThat(points)
                .contains(
                        new PricePoint(
                                "c5.xlarge",
                                "use1-az4",
                                Instant.parse("2026-03-02T10:30:00Z"),
                                new BigDecimal("0.085000")),
                        new PricePoint(
                                "c5.xlarge",
                                "us-east-1a",
                                Instant.parse("2026-03-02T09:12:00Z"),
                                new BigDecimal("0.070000")),
                        new PricePoint(
                                "m5.large",
                                "us-east-1b",
                                Instant.parse("2026-03-02T08:00:00Z"),
                                new BigDecimal("0.036100")))
                .hasSize(6);
        assertThat(aws.requests("DescribeSpotPriceHistory")).hasSize(2);
        String first = aws.requests("DescribeSpotPriceHistory").get(0).getBodyAsString();
        assertThat(first)
                .contains(
                        "Version=2016-11-15",
                        "InstanceType.1=c5.xlarge",
                        "InstanceType.2=m5.large",
                        "Filter.1.Name=availability-zone",
                        "Filter.1.Value.1=us-east-1a",
                        "StartTime=2026-03-01T10%3A00%3A00Z");
    }

    @Test
    void throttlingIsRetriedByTheSdkAloneThenSucceeds() {
        aws.server.stubFor(post(urlEqualTo("/"))
                .inScenario("throttle")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse()
                        .withStatus(503)
                        .withBody(AwsWireMock.ec2Error("RequestLimitExceeded", "Request limit exceeded.")))
                .willSetStateTo("ok"));
        aws.server.stubFor(post(urlEqualTo("/"))
                .inScenario("throttle")
                .whenScenarioStateIs("ok")
                .willReturn(aResponse()
                        .withBody(page(
                                null,
                                item("c5.xlarge", "us-east-1a", "use1-az4", "0.07", "2026-03-02T09:12:00.000Z")))));

        assertThat(history(5).fetch(Set.of("c5.xlarge"), Set.of("us-east-1a"), Instant.parse("2026-03-02T00:00:00Z")))
                .hasSize(2);
        assertThat(aws.requests("DescribeSpotPriceHistory")).hasSize(2);
    }

    @Test
    void persistentThrottlingCostsMaxAttemptsPerCallThenTheBreakerOpensAndNothingIsSent() {
        aws.server.stubFor(post(urlEqualTo("/"))
                .willReturn(aResponse()
                        .withStatus(503)
                        .withBody(AwsWireMock.ec2Error("RequestLimitExceeded", "Request limit exceeded."))));
        Ec2SpotPriceHistory history = history(2);
        for (int call = 1; call <= 2; call++) {
            assertThatThrownBy(() -> history.fetch(Set.of("c5.xlarge"), Set.of(), Instant.EPOCH))
                    .isInstanceOf(AwsServiceException.class)
                    .satisfies(e -> assertThat(
                                    ((AwsServiceException) e).awsErrorDetails().errorCode())
                            .isEqualTo("RequestLimitExceeded"));
            // the SDK's 3 attempts per call, and no retry of ours on top
            assertThat(aws.requests("DescribeSpotPriceHistory")).hasSize(3 * call);
        }
        assertThatThrownBy(() -> history.fetch(Set.of("c5.xlarge"), Set.of(), Instant.EPOCH))
                .isInstanceOf(AwsClients.AwsUnavailableException.class);
        assertThat(aws.requests("DescribeSpotPriceHistory")).hasSize(6);
    }

    @Test
    void aRefusedRequestIsNotRetriedAndDoesNotOpenTheBreaker() {
        aws.server.stubFor(post(urlEqualTo("/"))
                .withRequestBody(containing("Action=DescribeSpotPriceHistory"))
                .withHeader("Content-Type", containing("application/x-www-form-urlencoded"))
                .willReturn(aResponse()
                        .withStatus(403)
                        .withBody(AwsWireMock.ec2Error(
                                "UnauthorizedOperation", "You are not authorized to perform this operation."))));
        Ec2SpotPriceHistory history = history(2);
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> history.fetch(Set.of("c5.xlarge"), Set.of(), Instant.EPOCH))
                    .isInstanceOf(AwsServiceException.class);
        }
        assertThat(aws.requests("DescribeSpotPriceHistory")).hasSize(3);
        assertThat(aws.requests("DescribeSpotPriceHistory").get(0).getHeader("Authorization"))
                .contains("AWS4-HMAC-SHA256", "us-east-1/ec2/aws4_request");
    }
}
