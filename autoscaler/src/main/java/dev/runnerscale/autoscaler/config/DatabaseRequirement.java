package dev.runnerscale.autoscaler.config;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The ledger lives in PostgreSQL and there is no in-memory fallback: without {@code spring.datasource.url} the
 * service refuses to start with a message saying so, before anything tries to connect. (The local default,
 * {@code TestAutoscalerApplication}, sets it to an embedded PostgreSQL.)
 */
@Component
class DatabaseRequirement implements BeanFactoryPostProcessor, EnvironmentAware {

    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        String url = environment.getProperty("spring.datasource.url");
        if (url == null || url.isBlank()) {
            throw new IllegalStateException(
                    "spring.datasource.url is not set: the autoscaler needs a PostgreSQL database for its job ledger"
                            + " (set SPRING_DATASOURCE_URL, SPRING_DATASOURCE_USERNAME and SPRING_DATASOURCE_PASSWORD;"
                            + " for local development run ./mvnw -pl autoscaler spring-boot:test-run)");
        }
    }
}
