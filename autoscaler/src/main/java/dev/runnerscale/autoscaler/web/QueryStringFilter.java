package dev.runnerscale.autoscaler.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a query string that cannot be decoded with a 400 problem on every route, whether or not its handler reads
 * parameters: Tomcat decodes the query (invalid UTF-8, broken escapes) and Spring Security's firewall checks the
 * decoded names and values (control characters) only when a parameter is first read, which could otherwise be
 * anywhere (a filter, a handler, the error page) and end as a 500, or be a 200 on a route that reads none. Runs
 * after Spring Security (so behind the firewall, and an unauthenticated request is a 401 first), and only when
 * there is a query string. A form-encoded or multipart body is never parsed here: no route takes one.
 */
@Component
@Order(SecurityFilterProperties.DEFAULT_FILTER_ORDER + 4)
class QueryStringFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(QueryStringFilter.class);

    private final ProblemWriter problems;

    QueryStringFilter(ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getQueryString() != null && !hasParameterBody(request)) {
            try {
                request.getParameterMap().forEach((name, values) -> {});
            } catch (InvalidParameterException e) {
                log.debug("undecodable query string: {}", e.getMessage());
                problems.write(
                        response,
                        HttpStatus.BAD_REQUEST,
                        "invalid-parameter",
                        "Invalid parameter",
                        "a query parameter is not valid percent-encoded UTF-8",
                        null);
                return;
            } catch (RequestRejectedException e) {
                log.debug("query string refused by the firewall: {}", e.getMessage());
                problems.write(
                        response,
                        HttpStatus.BAD_REQUEST,
                        RejectedRequest.TYPE,
                        RejectedRequest.TITLE,
                        RejectedRequest.DETAIL,
                        null);
                return;
            }
        }
        chain.doFilter(request, response);
    }

    /** Whether reading parameters would read the body too (Tomcat parses form bodies along with the query). */
    private static boolean hasParameterBody(HttpServletRequest request) {
        String contentType = request.getContentType();
        if (contentType == null) {
            return false;
        }
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            return type.isCompatibleWith(MediaType.APPLICATION_FORM_URLENCODED)
                    || type.isCompatibleWith(MediaType.MULTIPART_FORM_DATA);
        } catch (RuntimeException e) {
            // unparseable: Tomcat's own comparison is on the bare type, so be safe and leave the body alone
            return true;
        }
    }
}
