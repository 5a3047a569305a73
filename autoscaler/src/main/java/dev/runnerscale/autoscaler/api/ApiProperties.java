package dev.runnerscale.autoscaler.api;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The operator API ({@code runnerscale.api.*}): {@code /api/**} on the public port.
 *
 * @param tokens operator bearer tokens; a request with any of them is let in, so a token can be rotated without
 *     downtime (env {@code RUNNERSCALE_API_TOKENS}, comma separated). Outside the {@code local} profile at least one
 *     is required, unless {@code open} is set.
 * @param token the former single-token setting (env {@code RUNNERSCALE_API_TOKEN}), still read: {@link #tokens()}
 *     includes it
 * @param open UNSAFE: serve {@code /api/**} without any token (repository, workflow and job names, the runner
 *     inventory) to whoever reaches the port. Only for a port no one else can reach.
 */
@ConfigurationProperties("runnerscale.api")
public record ApiProperties(
        @DefaultValue List<String> tokens,
        @Nullable String token,
        @DefaultValue("false") boolean open) {

    /** What an RFC 6750 bearer token may contain; anything else could never arrive in an Authorization header. */
    private static final Pattern BEARER_TOKEN = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");

    public ApiProperties {
        List<String> all = new ArrayList<>();
        tokens.stream().map(String::trim).filter(t -> !t.isEmpty()).forEach(all::add);
        if (token != null && !token.isBlank() && !all.contains(token.trim())) {
            all.add(token.trim());
        }
        for (String t : all) {
            // Never echo a token: the message names the key and the rule only.
            if (!BEARER_TOKEN.matcher(t).matches()) {
                throw new IllegalArgumentException("runnerscale.api.tokens: a token may only contain letters, digits"
                        + " and - . _ ~ + / (with = at the end), as a bearer token must");
            }
        }
        tokens = List.copyOf(all);
    }

    /** Never prints the tokens. */
    @Override
    public String toString() {
        return "ApiProperties[tokens=<" + tokens.size() + " hidden>, open=" + open + "]";
    }
}
