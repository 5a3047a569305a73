package dev.runnerscale.autoscaler.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Real PostgreSQL for tests and the local default (zonky's embedded binaries, no Docker). Tests share one server per
 * JVM; it stops with the JVM.
 */
public final class EmbeddedDatabase {

    private static EmbeddedPostgres shared;

    private EmbeddedDatabase() {}

    /** The JVM's shared test server (durability relaxed: zonky's default {@code synchronous_commit=off}). */
    public static synchronized EmbeddedPostgres shared() {
        if (shared == null) {
            try {
                shared = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("embedded PostgreSQL did not start", e);
            }
        }
        return shared;
    }

    /**
     * A durable server ({@code synchronous_commit=on}, {@code fsync=on}): a commit has reached the disk when it
     * returns, as in production. With {@code dataDirectory} set, data survives restarts.
     */
    public static EmbeddedPostgres durable(Path dataDirectory) {
        return start(dataDirectory, "on");
    }

    /**
     * @param synchronousCommit {@code on} for durability; {@code off} only to measure, in a benchmark, what the
     *     WAL flush of a commit costs on this machine
     */
    public static EmbeddedPostgres start(Path dataDirectory, String synchronousCommit) {
        return start(dataDirectory, synchronousCommit, Map.of());
    }

    /** As {@link #start(Path, String)}, with more server settings (a benchmark's diagnostics). */
    public static EmbeddedPostgres start(Path dataDirectory, String synchronousCommit, Map<String, String> settings) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setServerConfig("synchronous_commit", synchronousCommit)
                    .setServerConfig("fsync", "on");
            settings.forEach(builder::setServerConfig);
            if (dataDirectory != null) {
                builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
            }
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start", e);
        }
    }

    public static String jdbcUrl(EmbeddedPostgres postgres) {
        return postgres.getJdbcUrl("postgres", "postgres");
    }
}
