package dev.runnerscale.autoscaler.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

/**
 * Checks a bearer token against the configured operator tokens ({@code runnerscale.api.tokens}, several during a
 * rotation). Both sides are hashed to SHA-256 first, so the comparison ({@link MessageDigest#isEqual}, constant
 * time) takes as long whatever the token's length and content, and every configured token is always compared.
 */
final class OperatorTokenAuthenticationProvider implements AuthenticationProvider {

    static final String ROLE = "OPERATOR";

    private final List<byte[]> digests;

    OperatorTokenAuthenticationProvider(List<String> tokens) {
        this.digests =
                tokens.stream().map(OperatorTokenAuthenticationProvider::sha256).toList();
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        byte[] presented = sha256(((BearerTokenAuthenticationToken) authentication).getToken());
        boolean known = false;
        for (byte[] digest : digests) {
            known |= MessageDigest.isEqual(digest, presented);
        }
        if (!known) {
            throw new InvalidBearerTokenException("The bearer token is not an operator token.");
        }
        return new Operator();
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return BearerTokenAuthenticationToken.class.isAssignableFrom(authentication);
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required on every Java platform", e);
        }
    }

    /** A request made with an operator token; which one is not kept. */
    static final class Operator extends AbstractAuthenticationToken {

        Operator() {
            super(AuthorityUtils.createAuthorityList("ROLE_" + ROLE));
            setAuthenticated(true);
        }

        @Override
        public Object getCredentials() {
            return "";
        }

        @Override
        public Object getPrincipal() {
            return "operator";
        }
    }
}
