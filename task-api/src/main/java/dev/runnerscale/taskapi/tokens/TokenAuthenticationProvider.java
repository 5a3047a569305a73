package dev.runnerscale.taskapi.tokens;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.stereotype.Component;

/**
 * Authenticates the bearer token Spring Security's {@code BearerTokenAuthenticationFilter} took from the request
 * against our hashed token store. Every request looks its token up in the database (no cache), so a revocation takes
 * effect at once on every instance.
 */
@Component
public class TokenAuthenticationProvider implements AuthenticationProvider {

    /** Minted tokens are 48 characters, the bootstrap token at most 200: a longer one cannot be ours. */
    private static final int MAX_TOKEN_LENGTH = 200;

    private final TokenService tokens;

    TokenAuthenticationProvider(TokenService tokens) {
        this.tokens = tokens;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String token = ((BearerTokenAuthenticationToken) authentication).getToken();
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new InvalidBearerTokenException("The bearer token is not valid.");
        }
        return tokens.authenticate(token)
                .map(CallerAuthentication::new)
                .orElseThrow(() -> new InvalidBearerTokenException("The bearer token is unknown or revoked."));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return BearerTokenAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
