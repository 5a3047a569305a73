package dev.runnerscale.taskapi.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnerscale.taskapi.TaskApiApplication;
import dev.runnerscale.taskapi.testsupport.EmbeddedDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.mock.env.MockEnvironment;

class StartupTest {

    private static String messages(Throwable failure) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.add(String.valueOf(t.getMessage()));
        }
        return String.join(" | ", messages);
    }

    /** Starts the real application with the given settings as command-line arguments (highest precedence). */
    private static void start(Map<String, Object> settings) {
        List<String> args = new ArrayList<>(
                List.of("--server.port=0", "--management.server.port=0", "--spring.main.banner-mode=off"));
        settings.forEach((key, value) -> args.add("--" + key + "=" + value));
        new SpringApplicationBuilder(TaskApiApplication.class)
                .run(args.toArray(String[]::new))
                .close();
    }

    @Test
    void withoutADatabaseStartUpFailsNamingTheSetting() {
        assertThatThrownBy(() -> start(Map.of()))
                .satisfies(failure -> assertThat(messages(failure))
                        .contains("No database configured")
                        .contains("spring.datasource.url")
                        .contains("DATABASE_URL"));
    }

    @Test
    void invalidConfigurationFailsStartUpNamingTheKey() {
        Map<String, Object> properties = new java.util.HashMap<>(EmbeddedDatabase.springProperties("taskapi_test"));
        properties.put("taskapi.max-body-size", "0B");
        assertThatThrownBy(() -> start(properties))
                .satisfies(failure -> assertThat(messages(failure)).contains("taskapi.max-body-size"));
    }

    @Test
    void tooShortBootstrapTokenFailsStartUpWithoutEchoingIt() {
        Map<String, Object> properties = new java.util.HashMap<>(EmbeddedDatabase.springProperties("taskapi_test"));
        properties.put("taskapi.bootstrap-token", "short-secret");
        assertThatThrownBy(() -> start(properties))
                .satisfies(failure -> assertThat(messages(failure))
                        .contains("taskapi.bootstrap-token")
                        .doesNotContain("short-secret"));
    }

    @Test
    void aBootstrapTokenNoBearerHeaderCouldCarryFailsStartUpWithoutEchoingIt() {
        Map<String, Object> properties = new java.util.HashMap<>(EmbeddedDatabase.springProperties("taskapi_test"));
        properties.put("taskapi.bootstrap-token", "tapi_with spaces and !characters-0123456789");
        assertThatThrownBy(() -> start(properties))
                .satisfies(failure -> assertThat(messages(failure))
                        .contains("taskapi.bootstrap-token")
                        .contains("bearer token")
                        .doesNotContain("with spaces"));
    }

    @Nested
    class DatabaseUrlSetting {

        @Test
        void mapsAPostgresUrlToJdbcSettings() {
            DatabaseUrl url = DatabaseUrl.parse("postgres://app:p%40ss@db.internal:6543/tasks?sslmode=require");
            assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/tasks?sslmode=require");
            assertThat(url.username()).isEqualTo("app");
            assertThat(url.password()).isEqualTo("p@ss");
            assertThat(url.toString()).doesNotContain("p@ss");
        }

        @Test
        void rejectsUrlsThatAreNotPostgres() {
            assertThatThrownBy(() -> DatabaseUrl.parse("mysql://u:p@h/db")).hasMessageContaining("DATABASE_URL");
            assertThatThrownBy(() -> DatabaseUrl.parse("postgres://u:p@h")).hasMessageContaining("DATABASE_URL");
        }

        @Test
        void environmentPostProcessorAppliesDatabaseUrlUnlessSpringDatasourceUrlIsSet() {
            MockEnvironment fromUrl = new MockEnvironment().withProperty("DATABASE_URL", "postgresql://u:p@h:5432/db");
            new DatabaseUrlEnvironmentPostProcessor().postProcessEnvironment(fromUrl, new SpringApplication());
            assertThat(fromUrl.getProperty("spring.datasource.url")).isEqualTo("jdbc:postgresql://h:5432/db");
            assertThat(fromUrl.getProperty("spring.datasource.username")).isEqualTo("u");

            MockEnvironment explicit = new MockEnvironment()
                    .withProperty("DATABASE_URL", "postgresql://u:p@h:5432/db")
                    .withProperty("spring.datasource.url", "jdbc:postgresql://other/db");
            new DatabaseUrlEnvironmentPostProcessor().postProcessEnvironment(explicit, new SpringApplication());
            assertThat(explicit.getProperty("spring.datasource.url")).isEqualTo("jdbc:postgresql://other/db");
        }
    }
}
