package dev.runnerscale.taskapi.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.taskapi.testsupport.ApiClient;
import dev.runnerscale.taskapi.testsupport.ApiTest;
import dev.runnerscale.taskapi.tokens.Scope;
import dev.runnerscale.taskapi.tokens.TokenService;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every protected route with every kind of credential: none, a token we never minted, a revoked token, and a token
 * of each single scope. Only the route's own scope gets through, with the route's answer; the others are 401
 * (who are you?) or 403 (not with this token), as problem details with their {@code WWW-Authenticate} challenge.
 */
class ScopesMatrixTest extends ApiTest {

    /** What each protected route answers when let in (ids are random, so reads and revocations find nothing). */
    private static final Map<String, Integer> ANSWER_WHEN_ALLOWED = Map.of(
            "GET /tasks", 200,
            "POST /tasks", 201,
            "GET /tasks/{id}", 404,
            "PUT /tasks/{id}", 201,
            "DELETE /tasks/{id}", 204,
            "GET /admin/tokens", 200,
            "POST /admin/tokens", 201,
            "DELETE /admin/tokens/{id}", 404);

    private static final Map<String, Scope> SCOPE = Map.of(
            "GET /tasks", Scope.TASKS_READ,
            "POST /tasks", Scope.TASKS_WRITE,
            "GET /tasks/{id}", Scope.TASKS_READ,
            "PUT /tasks/{id}", Scope.TASKS_WRITE,
            "DELETE /tasks/{id}", Scope.TASKS_WRITE,
            "GET /admin/tokens", Scope.ADMIN,
            "POST /admin/tokens", Scope.ADMIN,
            "DELETE /admin/tokens/{id}", Scope.ADMIN);

    enum Credential {
        NONE,
        UNKNOWN_TOKEN,
        REVOKED_TOKEN,
        TASKS_READ,
        TASKS_WRITE,
        ADMIN
    }

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mapping;

    @Test
    void theMatrixCoversEveryProtectedRoute() {
        assertThat(Routes.of(mapping).protectedRoutes())
                .extracting(Routes.Route::toString)
                .containsExactlyInAnyOrderElementsOf(ANSWER_WHEN_ALLOWED.keySet());
    }

    static Stream<Arguments> matrix() {
        return ANSWER_WHEN_ALLOWED.keySet().stream()
                .sorted()
                .flatMap(route -> Arrays.stream(Credential.values()).map(c -> Arguments.of(route, c)));
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("matrix")
    void onlyTheRoutesScopeGetsThrough(String route, Credential credential) {
        String method = route.substring(0, route.indexOf(' '));
        String path = route.substring(route.indexOf(' ') + 1)
                .replace("{id}", java.util.UUID.randomUUID().toString());
        ApiClient.Call call = api.method(method, path)
                .clientTimestamp(Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        if (method.equals("POST") || method.equals("PUT")) {
            call.json(
                    path.startsWith("/admin")
                            ? "{\"owner\":\"carol\",\"scopes\":[\"tasks:read\"]}"
                            : "{\"title\":\"matrix\"}");
        }
        String token = token(credential);
        if (token != null) {
            call.token(token);
        }

        ApiClient.Response response = call.send();

        Scope needed = SCOPE.get(route);
        switch (credential) {
            case NONE -> {
                assertThat(response.isProblem(401)).as(response.toString()).isTrue();
                assertThat(response.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"task-api\"");
            }
            case UNKNOWN_TOKEN, REVOKED_TOKEN -> {
                assertThat(response.isProblem(401)).as(response.toString()).isTrue();
                assertThat(response.header("WWW-Authenticate"))
                        .isEqualTo("Bearer realm=\"task-api\", error=\"invalid_token\"");
            }
            default -> {
                if (Scope.valueOf(credential.name()) == needed) {
                    assertThat(response.status()).as(response.toString()).isEqualTo(ANSWER_WHEN_ALLOWED.get(route));
                } else {
                    assertThat(response.isProblem(403)).as(response.toString()).isTrue();
                    assertThat(response.header("WWW-Authenticate"))
                            .isEqualTo("Bearer realm=\"task-api\", error=\"insufficient_scope\", scope=\""
                                    + needed.value() + "\"");
                    assertThat(response.json().path("detail").asString()).contains(needed.value());
                }
            }
        }
        if (response.status() >= 400) {
            assertThat(taskRows()).as("nothing stored by a refused request").isZero();
            assertThat(jdbc.sql("SELECT count(*) FROM api_tokens WHERE owner = 'carol'")
                            .query(Long.class)
                            .single())
                    .isZero();
        }
    }

    private String token(Credential credential) {
        return switch (credential) {
            case NONE -> null;
            case UNKNOWN_TOKEN -> "tapi_" + "x".repeat(43);
            case REVOKED_TOKEN -> {
                TokenService.MintedToken minted = tokens.mint("revoked", List.of(Scope.values()));
                assertThat(api.delete("/admin/tokens/" + minted.id())
                                .token(BOOTSTRAP_TOKEN)
                                .send()
                                .status())
                        .isEqualTo(204);
                yield minted.token();
            }
            default -> token("matrix", Scope.valueOf(credential.name()));
        };
    }
}
