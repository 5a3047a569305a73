package dev.runnerscale.taskapi.tokens;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class TokenRepository {

    private final JdbcClient jdbc;

    TokenRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts unless a token with this hash exists (idempotent bootstrap); true when inserted. */
    boolean insert(UUID id, String owner, List<Scope> scopes, byte[] hash, boolean bootstrap, Instant now) {
        String scopeList = String.join(" ", scopes.stream().map(Scope::value).toList());
        int inserted = jdbc.sql("""
                INSERT INTO api_tokens (id, owner, scopes, token_hash, bootstrap, created_at)
                VALUES (:id, :owner, :scopes, :hash, :bootstrap, :now)
                ON CONFLICT (token_hash) DO NOTHING
                """)
                .param("id", id)
                .param("owner", owner)
                .param("scopes", scopeList)
                .param("hash", hash)
                .param("bootstrap", bootstrap)
                .param("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .update();
        return inserted == 1;
    }

    Optional<Caller> findActive(byte[] hash) {
        return jdbc.sql("SELECT owner, scopes FROM api_tokens WHERE token_hash = :hash AND revoked_at IS NULL")
                .param("hash", hash)
                .query((rs, row) -> new Caller(rs.getString("owner"), scopes(rs.getString("scopes"))))
                .optional();
    }

    List<ApiToken> findAll() {
        return jdbc.sql("SELECT * FROM api_tokens ORDER BY created_at, id")
                .query(TokenRepository::token)
                .list();
    }

    /** Revokes at once; revoking twice keeps the first revocation time. False when no such token. */
    boolean revoke(UUID id, Instant now) {
        int updated = jdbc.sql("UPDATE api_tokens SET revoked_at = coalesce(revoked_at, :now) WHERE id = :id")
                .param("id", id)
                .param("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .update();
        return updated == 1;
    }

    private static ApiToken token(ResultSet rs, int row) throws SQLException {
        OffsetDateTime revoked = rs.getObject("revoked_at", OffsetDateTime.class);
        return new ApiToken(
                rs.getObject("id", UUID.class),
                rs.getString("owner"),
                List.copyOf(scopes(rs.getString("scopes"))),
                rs.getBoolean("bootstrap"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                revoked == null ? null : revoked.toInstant());
    }

    private static EnumSet<Scope> scopes(String scopes) {
        return Arrays.stream(scopes.split(" "))
                .map(Scope::fromValue)
                .flatMap(Optional::stream)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Scope.class)));
    }
}
