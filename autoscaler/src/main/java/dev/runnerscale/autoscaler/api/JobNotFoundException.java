package dev.runnerscale.autoscaler.api;

import dev.runnerscale.autoscaler.web.ProblemException;
import org.springframework.http.HttpStatus;

/** The ledger never accepted a delivery of this job. */
class JobNotFoundException extends ProblemException {

    JobNotFoundException(long jobId) {
        super(HttpStatus.NOT_FOUND, "job-not-found", "Job not found", "the ledger holds no job " + jobId);
    }
}
