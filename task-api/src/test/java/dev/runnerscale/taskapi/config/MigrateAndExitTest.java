package dev.runnerscale.taskapi.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.taskapi.TaskApiApplication;
import dev.runnerscale.taskapi.testsupport.EmbeddedDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The migration Job's command: the real application, as its own JVM, with the {@code migrate} profile migrates an
 * empty database and exits 0 on its own (no web server, and nothing keeps the JVM alive).
 */
class MigrateAndExitTest {

    @Test
    void theMigrateProfileMigratesTheSchemaAndExitsZero() throws Exception {
        String database = "taskapi_migrate_" + ProcessHandle.current().pid();
        String url = EmbeddedDatabase.jdbcUrl(database);
        Path log = Files.createTempFile("migrate", ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                TaskApiApplication.class.getName(),
                "--spring.profiles.active=migrate",
                "--spring.main.web-application-type=none",
                "--spring.flyway.enabled=true",
                "--spring.datasource.url=" + url,
                "--spring.datasource.username=postgres",
                "--spring.datasource.password=postgres"));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();

        boolean exited = process.waitFor(2, TimeUnit.MINUTES);
        if (!exited) {
            process.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(exited).as(output).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output)
                .contains("profile migrate: the schema is migrated; stopping")
                .doesNotContain("Tomcat started");
        try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
                ResultSet tables = c.getMetaData().getTables(null, null, "tasks", null)) {
            assertThat(tables.next()).as("the tasks table exists").isTrue();
        }
    }
}
