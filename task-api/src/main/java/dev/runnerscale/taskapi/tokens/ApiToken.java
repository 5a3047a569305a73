package dev.runnerscale.taskapi.tokens;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A token as listed by the admin API: never the secret, never its hash. */
record ApiToken(
        UUID id,
        String owner,
        List<Scope> scopes,
        boolean bootstrap,
        Instant createdAt,
        @Nullable Instant revokedAt) {}
