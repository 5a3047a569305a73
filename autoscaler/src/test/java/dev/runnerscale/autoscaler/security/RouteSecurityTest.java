package dev.runnerscale.autoscaler.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.autoscaler.testsupport.AutoscalerTestBase;
import dev.runnerscale.autoscaler.testsupport.Payloads;
import dev.runnerscale.autoscaler.testsupport.WebhookClient;
import dev.runnerscale.testkit.PathVariants;
import dev.runnerscale.testkit.RawHttp;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * No spelling of a protected route reaches it without its credentials. Every route MVC maps on the public port (read
 * from the handler mapping) is sent, raw, in every {@link PathVariants variant}: the operator routes without a token
 * and with a wrong one, the webhook with a real {@code workflow_job} payload unsigned and signed with a wrong
 * secret. Each answer must be a 4xx problem detail with the security headers, and the ledger must not have gained a
 * job or a delivery.
 */
class RouteSecurityTest extends AutoscalerTestBase {

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mapping;

    @Autowired
    JdbcTemplate jdbc;

    private Routes routes() {
        return Routes.of(mapping);
    }

    @Test
    void theRoutesUnderTestAreTheServicesRoutes() {
        assertThat(routes().all())
                .extracting(Routes.Route::toString)
                .contains(
                        Routes.WEBHOOK,
                        "GET /api/v1/costs",
                        "GET /api/v1/jobs/{id}",
                        "GET /api/v1/pools",
                        "GET /api/v1/pools/{name}",
                        "GET /api/v1/runners");
        assertThat(routes().operatorRoutes())
                .allSatisfy(route -> assertThat(route.pattern())
                        .as("a route outside /api would need its own rule in SecurityConfiguration")
                        .startsWith("/api/"));
    }

    /** Any route but the webhook and the error page answers 401 without a token: new routes are protected. */
    @Test
    void everyOperatorRouteRefusesARequestWithoutAToken() {
        try (RawHttp http = new RawHttp(port)) {
            SoftAssertions softly = new SoftAssertions();
            for (Routes.Route route : routes().operatorRoutes()) {
                RawHttp.Response response = http.send(route.method().name(), route.path());
                softly.assertThat(response.status())
                        .as("%s: %s", route, response)
                        .isEqualTo(401);
                softly.assertThat(response.isProblem())
                        .as("%s: %s", route, response)
                        .isTrue();
                softly.assertThat(response.header("WWW-Authenticate"))
                        .as("%s", route)
                        .isEqualTo("Bearer realm=\"runnerscale\"");
            }
            softly.assertAll();
        }
    }

    @TestFactory
    Stream<DynamicTest> noVariantOfAProtectedRouteGetsThroughWithoutItsCredentials() {
        return routes().all().stream()
                .filter(route -> route.webhook() || routes().operatorRoutes().contains(route))
                .flatMap(route -> route.webhook()
                        ? Stream.of(
                                DynamicTest.dynamicTest(route + " unsigned", () -> assertRefused(route, null)),
                                DynamicTest.dynamicTest(
                                        route + " signed with a wrong secret",
                                        () -> assertRefused(route, "wrong-secret")))
                        : Stream.of(
                                DynamicTest.dynamicTest(route + " without a token", () -> assertRefused(route, null)),
                                DynamicTest.dynamicTest(
                                        route + " with a wrong token",
                                        () -> assertRefused(route, API_TOKEN + "-but-longer"))));
    }

    /**
     * A query string Tomcat cannot decode is a 400 problem on every route, even with valid credentials (a signed
     * delivery, the operator token): never a 500, never a delivery stored.
     */
    @TestFactory
    Stream<DynamicTest> anUndecodableQueryStringIsA400ProblemOnEveryRoute() {
        return routes().all().stream()
                .filter(route -> route.webhook() || routes().operatorRoutes().contains(route))
                .map(route -> DynamicTest.dynamicTest(route + " with valid credentials", () -> {
                    long jobs = count("workflow_jobs");
                    long deliveries = count("webhook_deliveries");
                    SoftAssertions softly = new SoftAssertions();
                    try (RawHttp http = new RawHttp(port)) {
                        for (PathVariants.Variant variant : PathVariants.undecodableQueries(route.path())) {
                            RawHttp.Response response =
                                    send(http, route, variant.target(), route.webhook() ? SECRET : API_TOKEN);
                            String what = route + " as " + variant.target() + " (" + variant.trick() + "): " + response;
                            softly.assertThat(response.status()).as(what).isEqualTo(400);
                            softly.assertThat(response.isProblem()).as(what).isTrue();
                            softly.assertThat(response.header("X-Content-Type-Options"))
                                    .as(what)
                                    .isEqualTo("nosniff");
                            softly.assertThat(response.text())
                                    .as(what)
                                    .doesNotContain("Exception", "java.", "springframework", "SQL", "\tat ");
                        }
                    }
                    softly.assertAll();
                    assertThat(count("workflow_jobs")).as("jobs stored").isEqualTo(jobs);
                    assertThat(count("webhook_deliveries"))
                            .as("deliveries stored")
                            .isEqualTo(deliveries);
                }));
    }

    /** @param credential the bearer token, or for the webhook the secret the body is signed with; null for none */
    private void assertRefused(Routes.Route route, String credential) {
        List<PathVariants.Variant> variants = PathVariants.of(route.path());
        assertThat(variants).hasSizeGreaterThanOrEqualTo(30);
        long jobs = count("workflow_jobs");
        long deliveries = count("webhook_deliveries");
        SoftAssertions softly = new SoftAssertions();
        try (RawHttp http = new RawHttp(port)) {
            for (PathVariants.Variant variant : variants) {
                RawHttp.Response response = send(http, route, variant.target(), credential);
                String what = route + " as " + variant.target() + " (" + variant.trick() + "): " + response;
                softly.assertThat(response.status()).as(what).isBetween(400, 499);
                softly.assertThat(response.isProblem()).as(what).isTrue();
                softly.assertThat(response.header("X-Content-Type-Options"))
                        .as(what)
                        .isEqualTo("nosniff");
                softly.assertThat(response.text())
                        .as(what)
                        .doesNotContain("Exception", "java.", "springframework", "SQL", "\tat ");
            }
        }
        softly.assertAll();
        assertThat(count("workflow_jobs")).as("jobs stored").isEqualTo(jobs);
        assertThat(count("webhook_deliveries")).as("deliveries stored").isEqualTo(deliveries);
    }

    private static RawHttp.Response send(RawHttp http, Routes.Route route, String target, String credential) {
        List<String[]> headers = new ArrayList<>();
        byte[] body = null;
        if (route.webhook()) {
            body = Payloads.job(nextJobId()).bytes();
            headers.add(new String[] {"Content-Type", "application/json"});
            headers.add(new String[] {"X-GitHub-Event", "workflow_job"});
            headers.add(new String[] {"X-GitHub-Delivery", UUID.randomUUID().toString()});
            if (credential != null) {
                headers.add(new String[] {"X-Hub-Signature-256", WebhookClient.sign(credential, body)});
            }
        } else if (credential != null) {
            headers.add(new String[] {"Authorization", "Bearer " + credential});
        }
        return http.send(route.method().name(), target, headers, body);
    }

    private long count(String table) {
        return jdbc.queryForObject("SELECT count(*) FROM " + table, Long.class);
    }
}
