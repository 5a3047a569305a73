package dev.runnerscale.taskapi.security;

import dev.runnerscale.taskapi.tokens.Scope;
import dev.runnerscale.taskapi.web.ApiProblem;
import dev.runnerscale.taskapi.web.ProblemWriter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.stereotype.Component;

/**
 * Spring Security's refusals as RFC 9457 problem details, through the same {@link ProblemWriter} as every other
 * error: 401 (no, malformed, unknown or revoked token) and 403 (a valid token without the route's scope), each with
 * its RFC 6750 {@code WWW-Authenticate: Bearer} challenge, and 400 for a request the firewall refused before any
 * routing. Neither the token nor the refused input is ever echoed.
 */
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@Component
class SecurityProblems implements AuthenticationEntryPoint, AccessDeniedHandler, RequestRejectedHandler {

    private static final Logger log = LoggerFactory.getLogger(SecurityProblems.class);
    private static final String REALM = "Bearer realm=\"task-api\"";

    private final ProblemWriter problems;
    private final RouteScopes scopes;

    SecurityProblems(ProblemWriter problems, RouteScopes scopes) {
        this.problems = problems;
        this.scopes = scopes;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException {
        // A token was sent but is malformed, unknown or revoked: say so (RFC 6750 section 3.1); none sent: realm only.
        String challenge = failure instanceof OAuth2AuthenticationException oauth
                ? REALM + ", error=\"" + oauth.getError().getErrorCode() + "\""
                : REALM;
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, challenge);
        problems.write(
                request,
                response,
                new ApiProblem(
                        HttpStatus.UNAUTHORIZED,
                        "unauthorized",
                        "Unauthorized",
                        "A valid bearer token is required (Authorization: Bearer <token>)."));
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
            throws IOException {
        String scope = scopes.required(request).map(Scope::value).orElse(null);
        response.setHeader(
                HttpHeaders.WWW_AUTHENTICATE,
                REALM + ", error=\"insufficient_scope\"" + (scope == null ? "" : ", scope=\"" + scope + "\""));
        problems.write(
                request,
                response,
                new ApiProblem(
                        HttpStatus.FORBIDDEN,
                        "insufficient-scope",
                        "Forbidden",
                        scope == null
                                ? "This token may not make this request."
                                : "This token lacks the scope '" + scope + "'."));
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, RequestRejectedException rejected)
            throws IOException {
        // Debug only: scanners send these by the thousand. The message names the rule, the JSON log escapes it.
        log.debug("Request refused by the firewall: {}", rejected.getMessage());
        problems.write(response, ApiProblem.rejectedRequest());
    }
}
