package dev.runnerscale.autoscaler.web;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes problem details from Spring Security's handlers, which run outside MVC and so outside
 * {@link ProblemDetailsAdvice}. Sets the security headers itself: a refusal by the firewall happens before Spring
 * Security's header writer runs.
 */
@Component
public class ProblemWriter {

    private final JsonMapper json;

    ProblemWriter(JsonMapper json) {
        this.json = json;
    }

    /**
     * @param instance the request path as the problem's {@code instance}, or null (never for a refused request,
     *     whose path is not worth echoing)
     */
    public void write(
            HttpServletResponse response, HttpStatus status, String type, String title, String detail, URI instance)
            throws IOException {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(ProblemException.typeUri(type));
        problem.setTitle(title);
        if (instance != null) {
            problem.setInstance(instance);
        }
        response.resetBuffer();
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        response.getOutputStream().write(json.writeValueAsBytes(problem));
        response.flushBuffer();
    }

    /** The request path as a problem's {@code instance}, or null when it is not a valid URI reference. */
    public static URI instance(String path) {
        try {
            return URI.create(path);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
