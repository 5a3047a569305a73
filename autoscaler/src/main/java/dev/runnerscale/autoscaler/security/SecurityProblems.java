package dev.runnerscale.autoscaler.security;

import dev.runnerscale.autoscaler.web.ProblemWriter;
import dev.runnerscale.autoscaler.web.RejectedRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 * Spring Security's refusals as RFC 9457 problem details: 401 with an RFC 6750 {@code WWW-Authenticate: Bearer}
 * challenge for {@code /api/**} without a valid operator token, 403 (which only a token-holding request with a
 * future, narrower rule could meet), and 400 for a request the firewall refused before any routing. Neither the
 * token nor the refused input is ever echoed.
 */
@Component
class SecurityProblems implements AuthenticationEntryPoint, AccessDeniedHandler, RequestRejectedHandler {

    private static final Logger log = LoggerFactory.getLogger(SecurityProblems.class);
    private static final String REALM = "Bearer realm=\"runnerscale\"";

    private final ProblemWriter problems;

    SecurityProblems(ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException {
        // A token was sent but is malformed or unknown: say so (RFC 6750 section 3.1); none sent: the realm only.
        response.setHeader(
                HttpHeaders.WWW_AUTHENTICATE,
                failure instanceof OAuth2AuthenticationException oauth
                        ? REALM + ", error=\"" + oauth.getError().getErrorCode() + "\""
                        : REALM);
        problems.write(
                response,
                HttpStatus.UNAUTHORIZED,
                "unauthorized",
                "Unauthorized",
                "This API requires an operator bearer token (Authorization: Bearer <token>).",
                ProblemWriter.instance(request.getRequestURI()));
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
            throws IOException {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, REALM + ", error=\"insufficient_scope\"");
        problems.write(
                response,
                HttpStatus.FORBIDDEN,
                "forbidden",
                "Forbidden",
                "This token may not make this request.",
                ProblemWriter.instance(request.getRequestURI()));
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, RequestRejectedException rejected)
            throws IOException {
        // Debug only: scanners send these by the thousand. The message names the rule, the JSON log escapes it.
        log.debug("request refused by the firewall: {}", rejected.getMessage());
        problems.write(
                response,
                HttpStatus.BAD_REQUEST,
                RejectedRequest.TYPE,
                RejectedRequest.TITLE,
                RejectedRequest.DETAIL,
                null);
    }
}
