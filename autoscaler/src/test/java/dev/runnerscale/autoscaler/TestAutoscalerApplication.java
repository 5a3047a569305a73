package dev.runnerscale.autoscaler;

import dev.runnerscale.autoscaler.testsupport.EmbeddedDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local default: the real autoscaler on an embedded, durable PostgreSQL whose data lives in
 * {@code autoscaler/target/local-postgres} (kept across restarts, gone with {@code mvn clean}), with the
 * {@code local} profile's development secret and sample pools. Start with
 * {@code ./mvnw -pl autoscaler spring-boot:test-run}.
 */
public final class TestAutoscalerApplication {

    private static final Logger log = LoggerFactory.getLogger(TestAutoscalerApplication.class);

    private TestAutoscalerApplication() {}

    public static void main(String[] args) {
        Path data = Path.of("target", "local-postgres").toAbsolutePath();
        EmbeddedPostgres postgres = EmbeddedDatabase.durable(data);
        System.setProperty("spring.datasource.url", EmbeddedDatabase.jdbcUrl(postgres));
        System.setProperty("spring.datasource.username", "postgres");
        System.setProperty("spring.datasource.password", "postgres");
        if (System.getProperty("spring.profiles.active") == null) {
            System.setProperty("spring.profiles.active", "local");
        }
        // the only secret ever logged: it is the public development secret of application-local.yml
        log.info(
                "local default: embedded PostgreSQL in {}; webhook secret is the development secret 'dev-secret'",
                data);
        AutoscalerApplication.main(args);
    }
}
