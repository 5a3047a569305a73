package dev.runnerscale.taskapi.config;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Maps a Heroku-style {@code DATABASE_URL=postgres://user:pass@host:5432/db} onto {@code spring.datasource.*},
 * unless {@code spring.datasource.url} is set explicitly (which then wins).
 */
class DatabaseUrlEnvironmentPostProcessor implements EnvironmentPostProcessor {

    static final String DATABASE_URL = "DATABASE_URL";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String databaseUrl = environment.getProperty(DATABASE_URL);
        if (databaseUrl == null || databaseUrl.isBlank() || environment.containsProperty("spring.datasource.url")) {
            return;
        }
        Map<String, Object> settings = DatabaseUrl.parse(databaseUrl).asSpringProperties();
        // Added last: any explicit spring.datasource.username/password still wins.
        environment.getPropertySources().addLast(new MapPropertySource("databaseUrl", settings));
    }
}
