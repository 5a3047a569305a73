package dev.runnerscale.autoscaler.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.autoscaler.testsupport.AutoscalerTestBase;
import dev.runnerscale.testkit.RawHttp;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every operator route with every kind of credential: none, a wrong token, a malformed one, and each token of the
 * rotation in progress ({@code runnerscale.api.tokens} holds two). Only the configured tokens get through.
 */
class OperatorTokensTest extends AutoscalerTestBase {

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mapping;

    @TestFactory
    Stream<DynamicTest> everyOperatorRouteWithEveryCredential() {
        List<Routes.Route> routes = Routes.of(mapping).operatorRoutes();
        assertThat(routes).isNotEmpty();
        return routes.stream()
                .flatMap(route -> Stream.of(
                        DynamicTest.dynamicTest(route + " without a token", () -> refused(route, null, false)),
                        DynamicTest.dynamicTest(
                                route + " with a wrong token", () -> refused(route, "not-the-operator-token", true)),
                        DynamicTest.dynamicTest(
                                route + " with a prefix of the token",
                                () -> refused(route, API_TOKEN.substring(0, API_TOKEN.length() - 1), true)),
                        DynamicTest.dynamicTest(route + " with the new token", () -> allowed(route, API_TOKEN)),
                        DynamicTest.dynamicTest(
                                route + " with the old token of the rotation", () -> allowed(route, OLD_API_TOKEN))));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"Bearer", "Bearer ", "Bearer a b", "Bearer \u00e9", "Basic b3BlcmF0b3I6dG9rZW4=", "Token x"})
    void malformedOrForeignAuthorizationIs401(String authorization) {
        try (RawHttp http = new RawHttp(port)) {
            RawHttp.Response response = http.send(
                    "GET", "/api/v1/pools", List.<String[]>of(new String[] {"Authorization", authorization}), null);
            assertThat(response.status()).as(response.toString()).isEqualTo(401);
            assertThat(response.isProblem()).isTrue();
        }
    }

    private void refused(Routes.Route route, String token, boolean tokenSent) {
        RawHttp.Response response = send(route, token);
        assertThat(response.status()).as(response.toString()).isEqualTo(401);
        assertThat(response.isProblem()).as(response.toString()).isTrue();
        assertThat(response.header("WWW-Authenticate"))
                .isEqualTo(
                        tokenSent
                                ? "Bearer realm=\"runnerscale\", error=\"invalid_token\""
                                : "Bearer realm=\"runnerscale\"");
        assertThat(response.text()).doesNotContain(API_TOKEN);
    }

    /** Let in: the route's own answer, 200 (a filled-in id or name may be unknown: 404). */
    private void allowed(Routes.Route route, String token) {
        RawHttp.Response response = send(route, token);
        if (route.pattern().contains("{")) {
            assertThat(response.status()).as(response.toString()).isIn(200, 404);
        } else {
            assertThat(response.status()).as(response.toString()).isEqualTo(200);
        }
        assertThat(response.header("Cache-Control"))
                .as("API answers are not cached")
                .contains("no-store");
        assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    private RawHttp.Response send(Routes.Route route, String token) {
        try (RawHttp http = new RawHttp(port)) {
            List<String[]> headers =
                    token == null ? List.of() : List.<String[]>of(new String[] {"Authorization", "Bearer " + token});
            return http.send(route.method().name(), route.target(), headers, null);
        }
    }
}
