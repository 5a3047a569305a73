package dev.runnerscale.autoscaler.web;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * A failure caused by the request (or by a temporary condition the client can retry), answered as an RFC 9457
 * problem detail. Features extend it with their own typed exceptions; {@link ProblemDetailsAdvice} renders them.
 */
public class ProblemException extends RuntimeException {

    private final HttpStatus status;
    private final String type;
    private final String title;

    /**
     * @param type short, stable slug of the problem type, e.g. {@code invalid-signature}
     * @param detail human-readable explanation of this occurrence; never contains secrets
     */
    public ProblemException(HttpStatus status, String type, String title, String detail) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
    }

    public HttpStatus status() {
        return status;
    }

    public ProblemDetail toProblemDetail() {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, getMessage());
        problem.setType(typeUri(type));
        problem.setTitle(title);
        return problem;
    }

    static URI typeUri(String type) {
        return URI.create("https://runnerscale.dev/problems/" + type);
    }
}
