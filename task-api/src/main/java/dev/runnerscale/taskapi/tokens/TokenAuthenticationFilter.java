package dev.runnerscale.taskapi.tokens;

import dev.runnerscale.taskapi.web.ApiProblem;
import dev.runnerscale.taskapi.web.ProblemWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bearer authentication and scope check for {@code /tasks} and {@code /admin}. Every request looks its token up
 * in the database (no cache), so a revocation takes effect at once on every instance. Runs after the metrics
 * filter, so 401s and 403s show in {@code http.server.requests}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class TokenAuthenticationFilter extends OncePerRequestFilter {

    private static final int MAX_TOKEN_LENGTH = 200;

    private final TokenService tokens;
    private final ProblemWriter problems;

    TokenAuthenticationFilter(TokenService tokens, ProblemWriter problems) {
        this.tokens = tokens;
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return requiredScope(request).isEmpty();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Scope required = requiredScope(request).orElseThrow();
        Optional<Caller> caller = bearerToken(request).flatMap(tokens::authenticate);
        if (caller.isEmpty()) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"task-api\"");
            problems.write(
                    request,
                    response,
                    new ApiProblem(
                            HttpStatus.UNAUTHORIZED,
                            "unauthorized",
                            "Unauthorized",
                            "A valid bearer token is required (Authorization: Bearer <token>)."));
            return;
        }
        if (!caller.get().scopes().contains(required)) {
            response.setHeader(
                    "WWW-Authenticate",
                    "Bearer realm=\"task-api\", error=\"insufficient_scope\", scope=\"" + required.value() + "\"");
            problems.write(
                    request,
                    response,
                    new ApiProblem(
                            HttpStatus.FORBIDDEN,
                            "insufficient-scope",
                            "Forbidden",
                            "This token lacks the scope '" + required.value() + "'."));
            return;
        }
        request.setAttribute(Caller.ATTRIBUTE, caller.get());
        chain.doFilter(request, response);
    }

    private static Optional<Scope> requiredScope(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.equals("/admin") || path.startsWith("/admin/")) {
            return Optional.of(Scope.ADMIN);
        }
        if (path.equals("/tasks") || path.startsWith("/tasks/")) {
            String method = request.getMethod();
            boolean read = method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
            return Optional.of(read ? Scope.TASKS_READ : Scope.TASKS_WRITE);
        }
        return Optional.empty();
    }

    private static Optional<String> bearerToken(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String token = header.substring(7).trim();
        return token.isEmpty() || token.length() > MAX_TOKEN_LENGTH ? Optional.empty() : Optional.of(token);
    }
}
