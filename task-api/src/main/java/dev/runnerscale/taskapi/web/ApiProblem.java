package dev.runnerscale.taskapi.web;

import java.net.URI;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * A client error with its RFC 9457 problem type. Thrown by features, mapped to {@code application/problem+json} by
 * {@link ProblemDetailsAdvice} (and written directly by filters, which run outside the MVC exception handling).
 */
public class ApiProblem extends RuntimeException {

    private final HttpStatus status;
    private final String type;
    private final String title;
    private final Map<String, Object> properties;

    public ApiProblem(HttpStatus status, String type, String title, String detail) {
        this(status, type, title, detail, Map.of());
    }

    public ApiProblem(HttpStatus status, String type, String title, String detail, Map<String, Object> properties) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
        this.properties = Map.copyOf(properties);
    }

    public HttpStatus status() {
        return status;
    }

    public ProblemDetail toProblemDetail() {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, getMessage());
        problem.setType(typeUri(type));
        problem.setTitle(title);
        properties.forEach(problem::setProperty);
        return problem;
    }

    public static URI typeUri(String type) {
        return URI.create("https://runnerscale.dev/problems/" + type);
    }

    /** The request path as a problem's {@code instance}, or empty when it is not a valid URI reference. */
    static java.util.Optional<URI> instance(String path) {
        try {
            return java.util.Optional.of(URI.create(path));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    public static ApiProblem badRequest(String type, String detail) {
        return new ApiProblem(HttpStatus.BAD_REQUEST, type, "Bad request", detail);
    }

    /** A request Spring Security's firewall or Tomcat refused before routing; the input is never echoed. */
    public static ApiProblem rejectedRequest() {
        return new ApiProblem(
                HttpStatus.BAD_REQUEST,
                "rejected-request",
                "Bad request",
                "The request was refused before routing: its method, path, headers or parameters contain something"
                        + " that is not allowed (for example ';', an encoded '/', '\\', '.' or '%', '..', '//' or"
                        + " control characters).");
    }

    public static ApiProblem notFound(String detail) {
        return new ApiProblem(HttpStatus.NOT_FOUND, "not-found", "Not found", detail);
    }
}
