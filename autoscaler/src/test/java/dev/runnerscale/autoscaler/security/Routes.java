package dev.runnerscale.autoscaler.security;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.springframework.http.HttpMethod;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every route Spring MVC maps on the public port, read from its handler mapping, so that a route another feature
 * adds tomorrow ({@code /api/v1/costs}, ...) is in every security test at once.
 */
record Routes(List<Route> all) {

    /** The route GitHub posts to: no token, its HMAC signature is its authentication. */
    static final String WEBHOOK = "POST /webhooks/github";

    /** The error page the container dispatches to. */
    static final String ERROR = "GET /error";

    /** Query parameters a route requires, so that a request with the token gets the route's own answer. */
    static final Map<String, String> REQUIRED_QUERIES =
            Map.of("/api/v1/costs", "?from=2026-11-01&to=2026-11-30&group-by=pool");

    record Route(HttpMethod method, String pattern) {

        /** The pattern with its variables filled in. */
        String path() {
            return pattern.replaceAll("\\{[^}]+}", "1");
        }

        /** {@link #path()} with the query the route requires, if any. */
        String target() {
            return path() + REQUIRED_QUERIES.getOrDefault(pattern, "");
        }

        boolean webhook() {
            return toString().equals(WEBHOOK);
        }

        @Override
        public String toString() {
            return method + " " + pattern;
        }
    }

    static Routes of(RequestMappingHandlerMapping mapping) {
        return new Routes(mapping.getHandlerMethods().keySet().stream()
                .flatMap(Routes::routes)
                .distinct()
                .sorted(Comparator.comparing(Route::pattern)
                        .thenComparing(r -> r.method().name()))
                .toList());
    }

    /** Every route that needs an operator token: all but the webhook and the error page. */
    List<Route> operatorRoutes() {
        return all.stream()
                .filter(route -> !Set.of(WEBHOOK, ERROR).contains(route.toString()))
                .toList();
    }

    private static Stream<Route> routes(RequestMappingInfo info) {
        Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
        List<HttpMethod> httpMethods = methods.isEmpty()
                ? List.of(HttpMethod.GET) // any method: GET stands for them
                : methods.stream().map(RequestMethod::asHttpMethod).toList();
        return info.getPathPatternsCondition().getPatternValues().stream()
                .flatMap(pattern -> httpMethods.stream().map(method -> new Route(method, pattern)));
    }
}
