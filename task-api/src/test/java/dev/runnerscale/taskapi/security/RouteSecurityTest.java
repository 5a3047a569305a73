package dev.runnerscale.taskapi.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.taskapi.testsupport.ApiTest;
import dev.runnerscale.taskapi.tokens.Scope;
import dev.runnerscale.testkit.PathVariants;
import dev.runnerscale.testkit.RawHttp;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * No spelling of a protected route reaches it without the right token. Every protected route MVC maps (read from
 * the handler mapping) is sent, raw, in every {@link PathVariants variant}, with a body that would be stored if the
 * request got through (a task; an admin token for {@code mallory}), once without a token and once with a valid
 * token that lacks the route's scope. Each answer must be a 4xx problem detail with the security headers, and the
 * database must hold no task and no new token afterwards.
 */
class RouteSecurityTest extends ApiTest {

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mapping;

    private Routes routes() {
        return Routes.of(mapping);
    }

    @Test
    void theRoutesUnderTestAreTheApisRoutes() {
        assertThat(routes().protectedRoutes())
                .extracting(Routes.Route::toString)
                .contains(
                        "GET /tasks",
                        "POST /tasks",
                        "GET /tasks/{id}",
                        "PUT /tasks/{id}",
                        "DELETE /tasks/{id}",
                        "GET /admin/tokens",
                        "POST /admin/tokens",
                        "DELETE /admin/tokens/{id}");
    }

    /** A route that is not on the public list answers 401 without a token: new routes are protected or listed. */
    @Test
    void everyRouteOutsideThePublicListRefusesARequestWithoutAToken() {
        try (RawHttp http = new RawHttp(port)) {
            SoftAssertions softly = new SoftAssertions();
            for (Routes.Route route : routes().protectedRoutes()) {
                RawHttp.Response response = send(http, route, route.path(), null);
                softly.assertThat(response.status())
                        .as("%s: %s", route, response)
                        .isEqualTo(401);
                softly.assertThat(response.header("WWW-Authenticate"))
                        .as("%s", route)
                        .isEqualTo("Bearer realm=\"task-api\"");
            }
            softly.assertAll();
        }
        assertNothingStored(1);
    }

    @TestFactory
    Stream<DynamicTest> noVariantOfAProtectedRouteGetsThroughWithoutTheRightToken() {
        String adminOnly = token("mallory", Scope.ADMIN);
        String tasksOnly = token("mallory", Scope.TASKS_READ, Scope.TASKS_WRITE);
        long tokens = tokenRows();
        return routes().protectedRoutes().stream().flatMap(route -> {
            // the token of every scope but the one this route needs
            String wrongScope = route.admin() ? tasksOnly : adminOnly;
            return Stream.of(
                    DynamicTest.dynamicTest(route + " without a token", () -> assertRefused(route, null, tokens)),
                    DynamicTest.dynamicTest(
                            route + " with a token of another scope", () -> assertRefused(route, wrongScope, tokens)));
        });
    }

    /**
     * A query string Tomcat cannot decode, or one that decodes to control characters, is a 400 problem on every
     * route even with the right token, and nothing is stored.
     */
    @TestFactory
    Stream<DynamicTest> anUndecodableQueryStringIsA400ProblemOnEveryRoute() {
        String admin = token("alice", Scope.ADMIN);
        String tasks = token("alice", Scope.TASKS_READ, Scope.TASKS_WRITE);
        long tokens = tokenRows();
        return routes().protectedRoutes().stream()
                .map(route -> DynamicTest.dynamicTest(route + " with the right token", () -> {
                    SoftAssertions softly = new SoftAssertions();
                    try (RawHttp http = new RawHttp(port)) {
                        for (PathVariants.Variant variant : PathVariants.undecodableQueries(route.path())) {
                            RawHttp.Response response =
                                    send(http, route, variant.target(), route.admin() ? admin : tasks);
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
                    assertNothingStored(tokens);
                }));
    }

    private void assertRefused(Routes.Route route, String token, long tokens) {
        List<PathVariants.Variant> variants = PathVariants.of(route.path());
        assertThat(variants).hasSizeGreaterThanOrEqualTo(30);
        SoftAssertions softly = new SoftAssertions();
        try (RawHttp http = new RawHttp(port)) {
            for (PathVariants.Variant variant : variants) {
                RawHttp.Response response = send(http, route, variant.target(), token);
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
        assertNothingStored(tokens);
    }

    /** The request the route would accept, at the given target: a body that would be stored if it got through. */
    private static RawHttp.Response send(RawHttp http, Routes.Route route, String target, String token) {
        List<String[]> headers = new ArrayList<>();
        if (token != null) {
            headers.add(new String[] {"Authorization", "Bearer " + token});
        }
        headers.add(new String[] {
            "X-Client-Timestamp", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString()
        });
        byte[] body = null;
        if (route.method() == HttpMethod.POST || route.method() == HttpMethod.PUT) {
            headers.add(new String[] {"Content-Type", "application/json"});
            body = (route.admin() ? "{\"owner\":\"mallory\",\"scopes\":[\"admin\"]}" : "{\"title\":\"bypass\"}")
                    .getBytes(StandardCharsets.UTF_8);
        }
        return http.send(route.method().name(), target, headers, body);
    }

    private void assertNothingStored(long tokens) {
        assertThat(taskRows()).as("tasks stored").isZero();
        assertThat(tokenRows()).as("tokens stored").isEqualTo(tokens);
    }

    private long tokenRows() {
        return jdbc.sql("SELECT count(*) FROM api_tokens").query(Long.class).single();
    }
}
