package dev.runnerscale.taskapi.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes problem details from servlet filters and Spring Security's handlers, where {@code @ControllerAdvice} does
 * not reach. Sets the security headers itself: a refusal by the firewall happens before Spring Security's header
 * writer runs.
 */
@Component
public class ProblemWriter {

    private final JsonMapper json;

    ProblemWriter(JsonMapper json) {
        this.json = json;
    }

    /** The problem, with the request path as its {@code instance}. */
    public void write(HttpServletRequest request, HttpServletResponse response, ApiProblem problem) throws IOException {
        ProblemDetail body = problem.toProblemDetail();
        ApiProblem.instance(request.getRequestURI()).ifPresent(body::setInstance);
        write(response, problem.status().value(), body);
    }

    /** The problem without an {@code instance}: for a refused request, whose path is not worth echoing. */
    public void write(HttpServletResponse response, ApiProblem problem) throws IOException {
        write(response, problem.status().value(), problem.toProblemDetail());
    }

    private void write(HttpServletResponse response, int status, ProblemDetail body) throws IOException {
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        response.getOutputStream().write(json.writeValueAsBytes(body));
        response.flushBuffer();
    }
}
