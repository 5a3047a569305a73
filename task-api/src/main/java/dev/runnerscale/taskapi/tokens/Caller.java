package dev.runnerscale.taskapi.tokens;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;

/** The authenticated owner of a request and what its token may do. */
public record Caller(String owner, Set<Scope> scopes) {

    static final String ATTRIBUTE = Caller.class.getName();

    public Caller {
        scopes = Set.copyOf(scopes);
    }

    /** The caller the authentication filter attached; every /tasks and /admin request has one. */
    public static Caller of(HttpServletRequest request) {
        Object caller = request.getAttribute(ATTRIBUTE);
        if (caller instanceof Caller c) {
            return c;
        }
        throw new IllegalStateException("No authenticated caller on " + request.getRequestURI());
    }
}
