package dev.runnerscale.taskapi;

import dev.runnerscale.taskapi.testsupport.EmbeddedDatabase;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The local default: starts embedded PostgreSQL (a temporary data directory, gone when the JVM ends) and the real
 * application on it, on ports 8090 (API) and 8091 (Actuator) so that it runs beside the autoscaler's local default
 * (8080 and 8081). Run with {@code ./mvnw -pl task-api spring-boot:test-run}. Lives on the test classpath so that
 * embedded PostgreSQL never reaches the production jar.
 */
public final class TestTaskApiApplication {

    private TestTaskApiApplication() {}

    public static void main(String[] args) {
        EmbeddedDatabase.springProperties("taskapi").forEach((key, value) -> System.setProperty(key, value.toString()));
        System.out.println("[dev] Embedded PostgreSQL: " + System.getProperty("spring.datasource.url")
                + " (user postgres, data discarded on exit)");
        // Defaults only: PORT / SERVER_PORT / MANAGEMENT_SERVER_PORT or --server.port=... still win.
        if (System.getenv("PORT") == null && System.getenv("SERVER_PORT") == null) {
            System.setProperty("server.port", System.getProperty("server.port", "8090"));
        }
        if (System.getenv("MANAGEMENT_SERVER_PORT") == null) {
            System.setProperty("management.server.port", System.getProperty("management.server.port", "8091"));
        }
        System.out.println("[dev] API on port "
                + firstSet(System.getProperty("server.port"), System.getenv("PORT"), System.getenv("SERVER_PORT"))
                + ", Actuator (health, Prometheus) on port "
                + firstSet(System.getenv("MANAGEMENT_SERVER_PORT"), System.getProperty("management.server.port")));
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

    private static String firstSet(String... values) {
        for (String value : values) {
            if (value != null) {
                return value;
            }
        }
        return "?";
    }
}
