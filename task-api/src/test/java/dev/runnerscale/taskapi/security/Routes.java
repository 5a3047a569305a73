package dev.runnerscale.taskapi.security;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.springframework.http.HttpMethod;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every route Spring MVC maps, read from its handler mapping, so that a route added tomorrow is in every security
 * test at once. A route is protected unless it is on the short {@link #PUBLIC} list.
 */
record Routes(List<Route> all) {

    /** Routes anyone may call. Anything else MVC maps must refuse a request without a token. */
    static final Set<String> PUBLIC = Set.of("/health", "/error", "/v3/api-docs", "/v3/api-docs.yaml");

    /** Springdoc's group route, public like the rest of the API description. */
    static final String API_DOCS_GROUP = "/v3/api-docs/{group}";

    record Route(HttpMethod method, String pattern) {

        /** The pattern with its variables filled in (a random id: nothing the test did not create exists). */
        String path() {
            return pattern.replaceAll("\\{[^}]+}", UUID.randomUUID().toString());
        }

        boolean isPublic() {
            return PUBLIC.contains(pattern) || pattern.equals(API_DOCS_GROUP);
        }

        boolean admin() {
            return pattern.startsWith("/admin");
        }

        boolean writes() {
            return method != HttpMethod.GET && method != HttpMethod.HEAD && method != HttpMethod.OPTIONS;
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

    List<Route> protectedRoutes() {
        return all.stream().filter(route -> !route.isPublic()).toList();
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
