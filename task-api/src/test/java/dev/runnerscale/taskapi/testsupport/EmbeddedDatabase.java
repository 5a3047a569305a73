package dev.runnerscale.taskapi.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * One embedded PostgreSQL per JVM, shared by every test (and by the dev launcher and the benchmark). Each user
 * gets its own database in it. Durability stays on: zonky turns {@code synchronous_commit} off by default, which
 * would flatter the benchmark, so it is switched back on here.
 */
public final class EmbeddedDatabase {

    private static EmbeddedPostgres postgres;

    private EmbeddedDatabase() {}

    public static synchronized EmbeddedPostgres server() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder()
                        .setServerConfig("synchronous_commit", "on")
                        .setServerConfig("fsync", "on")
                        .setServerConfig("max_connections", "200")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("Embedded PostgreSQL did not start", e);
            }
        }
        return postgres;
    }

    /** Creates the database if needed and returns its JDBC URL. */
    public static synchronized String jdbcUrl(String database) {
        EmbeddedPostgres server = server();
        try (Connection connection = server.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            var exists = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'");
            if (!exists.next()) {
                statement.execute("CREATE DATABASE " + database);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create database " + database, e);
        }
        return server.getJdbcUrl("postgres", database);
    }

    /** Stops the server (programs such as the benchmark; tests leave it to the JVM shutdown hook). */
    public static synchronized void stop() throws IOException {
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
    }

    /** Spring properties pointing at the named database. */
    public static Map<String, Object> springProperties(String database) {
        return Map.of(
                "spring.datasource.url", jdbcUrl(database),
                "spring.datasource.username", "postgres",
                "spring.datasource.password", "");
    }
}
