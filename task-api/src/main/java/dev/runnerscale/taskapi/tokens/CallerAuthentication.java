package dev.runnerscale.taskapi.tokens;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** A request authenticated by one of our tokens: the {@link Caller} as principal, its scopes as authorities. */
final class CallerAuthentication extends AbstractAuthenticationToken {

    private final Caller caller;

    CallerAuthentication(Caller caller) {
        super(caller.scopes().stream()
                .sorted()
                .map(scope -> new SimpleGrantedAuthority(scope.authority()))
                .toList());
        this.caller = caller;
        setAuthenticated(true);
    }

    @Override
    public Caller getPrincipal() {
        return caller;
    }

    /** The token itself is never kept after it was checked. */
    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public String getName() {
        return caller.owner();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CallerAuthentication that && caller.equals(that.caller);
    }

    @Override
    public int hashCode() {
        return caller.hashCode();
    }
}
