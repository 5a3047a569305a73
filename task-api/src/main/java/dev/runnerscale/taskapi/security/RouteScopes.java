package dev.runnerscale.taskapi.security;

import dev.runnerscale.taskapi.tokens.Scope;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Optional;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.stereotype.Component;

/**
 * The scope each protected route needs, in one place: the filter chain authorises with these rules, and a 403
 * names the scope from them. The matchers are {@link PathPatternRequestMatcher}s, which see the path Spring MVC
 * routes on (decoded, without {@code ;} parameters), so a request cannot reach a route without matching its rule.
 */
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@Component
class RouteScopes {

    /** A route and the scope it needs; the first rule that matches a request applies. */
    record Rule(RequestMatcher matcher, Scope scope) {}

    private final List<Rule> rules;

    RouteScopes(PathPatternRequestMatcher.Builder paths) {
        this.rules = List.of(
                new Rule(paths.matcher("/admin/**"), Scope.ADMIN),
                new Rule(paths.matcher(HttpMethod.GET, "/tasks/**"), Scope.TASKS_READ),
                new Rule(paths.matcher(HttpMethod.HEAD, "/tasks/**"), Scope.TASKS_READ),
                new Rule(paths.matcher(HttpMethod.OPTIONS, "/tasks/**"), Scope.TASKS_READ),
                // Every other method, including ones MVC then refuses with 405: no token learns which routes exist.
                new Rule(paths.matcher("/tasks/**"), Scope.TASKS_WRITE));
    }

    List<Rule> rules() {
        return rules;
    }

    Optional<Scope> required(HttpServletRequest request) {
        return rules.stream()
                .filter(rule -> rule.matcher().matches(request))
                .map(Rule::scope)
                .findFirst();
    }
}
