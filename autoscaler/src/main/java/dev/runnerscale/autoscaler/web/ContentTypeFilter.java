package dev.runnerscale.autoscaler.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a request whose {@code Content-Type} is a pattern such as {@code *}{@code /*} rather than a media type
 * (RFC 9110 section 8.3) with 415. Spring MVC would answer it with a 500 where it builds the request's headers for
 * an unmapped path (spring-projects/spring-framework#27957). An unparseable value is left to MVC, which handles it.
 */
@Component
@Order(SecurityFilterProperties.DEFAULT_FILTER_ORDER + 5)
class ContentTypeFilter extends OncePerRequestFilter {

    private final ProblemWriter problems;

    ContentTypeFilter(ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String contentType = request.getContentType();
        if (contentType != null && isPattern(contentType)) {
            problems.write(
                    response,
                    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    "unsupported-media-type",
                    "Unsupported Media Type",
                    "Content-Type must name a media type (application/json), not a pattern.",
                    ProblemWriter.instance(request.getRequestURI()));
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean isPattern(String contentType) {
        try {
            return !MediaType.parseMediaType(contentType).isConcrete();
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }
}
