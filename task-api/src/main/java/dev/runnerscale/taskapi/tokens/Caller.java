package dev.runnerscale.taskapi.tokens;

import java.util.Set;

/**
 * The authenticated owner of a request and what its token may do: the principal Spring Security holds for every
 * {@code /tasks} and {@code /admin} request (controllers take it with {@code @AuthenticationPrincipal}).
 */
public record Caller(String owner, Set<Scope> scopes) {

    public Caller {
        scopes = Set.copyOf(scopes);
    }
}
