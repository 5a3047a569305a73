package dev.runnerscale.taskapi;

import dev.runnerscale.taskapi.testsupport.EmbeddedDatabase;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The local default: starts embedded PostgreSQL (a temporary data directory, gone when the JVM ends) and the real
 * application on it. Run with {@code ./mvnw -pl task-api spring-boot:test-run}. Lives on the test classpath so that
 * embedded PostgreSQL never reaches the production jar.
 */
public final class TestTaskApiApplication {

    private TestTaskApiApplication() {}

    public static void main(String[] args) {
        EmbeddedDatabase.springProperties("taskapi").forEach((key, value) -> System.setProperty(key, value.toString()));
        System.out.println("[dev] Embedded PostgreSQL: " + System.getProperty("spring.datasource.url")
                + " (user postgres, data discarded on exit)");
        if (System.getenv("TASKAPI_BOOTSTRAP_TOKEN") == null) {
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            String token = "tapi_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
            System.setProperty("taskapi.bootstrap-token", token);
            // Printed once, to the console only (never through the logger), and only in this dev launcher.
            System.out.println("[dev] Bootstrap admin token (valid for this run): " + token);
        }
        TaskApiApplication.main(args);
    }
}
