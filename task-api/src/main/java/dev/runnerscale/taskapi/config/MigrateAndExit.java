package dev.runnerscale.taskapi.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * The {@code migrate} profile: Flyway has migrated the schema while the context started; the application then stops
 * with exit code 0 instead of serving. The Helm chart runs it as a Job before an install or upgrade, so that several
 * replicas never migrate at once and a failed migration stops the rollout (the pods run with Flyway off). Without this
 * the scheduled tombstone purge would keep the JVM alive and the Job would never complete.
 */
@Component
@Profile("migrate")
class MigrateAndExit implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(MigrateAndExit.class);

    private final ConfigurableApplicationContext context;

    MigrateAndExit(ConfigurableApplicationContext context) {
        this.context = context;
    }

    @Override
    public void run(ApplicationArguments args) {
        log.info("profile migrate: the schema is migrated; stopping");
        // closes the context (the scheduler with it) and reports the exit code of any ExitCodeGenerator
        int code = SpringApplication.exit(context);
        System.exit(code);
    }
}
