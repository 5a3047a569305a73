package dev.runnerscale.autoscaler.web;

import dev.runnerscale.autoscaler.jobs.LedgerOverloadedException;
import dev.runnerscale.autoscaler.jobs.LedgerUnavailableException;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Renders every error as an RFC 9457 problem detail: our typed exceptions, and (through the base class) Spring's
 * own ones such as an unknown route, a wrong method or a non-numeric path variable, so client input never causes a
 * 500.
 */
@RestControllerAdvice
class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

    @ExceptionHandler(ProblemException.class)
    ResponseEntity<ProblemDetail> problem(ProblemException e) {
        return ResponseEntity.status(e.status())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(e.toProblemDetail());
    }

    /**
     * Spring Security's firewall checks header and parameter values when they are read, which for most of them is
     * inside MVC: a refusal there is the client's input too.
     */
    @ExceptionHandler(RequestRejectedException.class)
    ResponseEntity<ProblemDetail> rejected(RequestRejectedException e) {
        log.debug("request refused by the firewall: {}", e.getMessage());
        return ResponseEntity.status(HttpStatus.BAD_REQUEST)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(RejectedRequest.problem());
    }

    /** Tomcat refuses a query parameter it cannot decode (invalid UTF-8) when the handler reads it. */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<ProblemDetail> undecodableParameter(InvalidParameterException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.BAD_REQUEST, "a query parameter is not valid percent-encoded UTF-8");
        problem.setType(ProblemException.typeUri("invalid-parameter"));
        problem.setTitle("Invalid parameter");
        return ResponseEntity.status(HttpStatus.BAD_REQUEST)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    /** The ledger queue is full: GitHub counts the delivery as failed, and the redelivery job recovers it. */
    @ExceptionHandler(LedgerOverloadedException.class)
    ResponseEntity<ProblemDetail> overloaded(LedgerOverloadedException e) {
        return unavailable("ledger-overloaded", "Ledger overloaded", e.getMessage());
    }

    @ExceptionHandler(LedgerUnavailableException.class)
    ResponseEntity<ProblemDetail> unavailable(LedgerUnavailableException e) {
        log.error("ledger unavailable: {}", e.getMessage(), e);
        return unavailable("ledger-unavailable", "Ledger unavailable", e.getMessage());
    }

    private static ResponseEntity<ProblemDetail> unavailable(String type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, detail);
        problem.setType(ProblemException.typeUri(type));
        problem.setTitle(title);
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, "1")
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }
}
