package dev.runnerscale.autoscaler.api;

import dev.runnerscale.autoscaler.web.ProblemException;
import org.springframework.http.HttpStatus;

/** No pool of that name is configured. */
class PoolNotFoundException extends ProblemException {

    PoolNotFoundException(String name) {
        super(HttpStatus.NOT_FOUND, "pool-not-found", "Pool not found", "no pool named '" + printable(name) + "'");
    }

    /** Echo only a bounded, printable form of the client's input. */
    private static String printable(String name) {
        String bounded = name.length() > 64 ? name.substring(0, 64) : name;
        return bounded.replaceAll("[^A-Za-z0-9._-]", "?");
    }
}
