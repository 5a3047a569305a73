package dev.runnerscale.autoscaler.web;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/** The answer to a request Spring Security's firewall refused; the refused input is never echoed. */
public final class RejectedRequest {

    public static final String TYPE = "rejected-request";
    public static final String TITLE = "Bad request";
    public static final String DETAIL = "The request was refused before routing: its method, path, headers or"
            + " parameters contain something that is not allowed (for example ';', an encoded '/', '\\', '.' or '%',"
            + " '..', '//' or control characters).";

    private RejectedRequest() {}

    static ProblemDetail problem() {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, DETAIL);
        problem.setType(ProblemException.typeUri(TYPE));
        problem.setTitle(TITLE);
        return problem;
    }
}
