package dev.runnerscale.taskapi.config;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The production jar has no embedded database (that lives on the test classpath only, see
 * {@code TestTaskApiApplication}); without a configured one it must stop at once and say which setting is missing,
 * rather than fail later with a generic DataSource error.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseRequired {

    @Bean
    static BeanFactoryPostProcessor databaseUrlRequired(Environment environment) {
        return beanFactory -> {
            String url = environment.getProperty("spring.datasource.url");
            if (url == null || url.isBlank()) {
                throw new MissingDatabaseException();
            }
        };
    }

    static final class MissingDatabaseException extends IllegalStateException {
        MissingDatabaseException() {
            super("No database configured: set spring.datasource.url (env SPRING_DATASOURCE_URL, e.g."
                    + " jdbc:postgresql://host:5432/tasks, with spring.datasource.username/password) or"
                    + " DATABASE_URL=postgres://user:pass@host:5432/tasks. For a local run without PostgreSQL use"
                    + " ./mvnw -pl task-api spring-boot:test-run (embedded PostgreSQL).");
        }
    }
}
