package dev.runnerscale.autoscaler.testsupport;

import dev.runnerscale.autoscaler.AutoscalerApplication;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The one Spring context the webhook, ledger and API tests share (cached by Spring's test context cache): the real
 * application on the JVM's embedded PostgreSQL, two secrets (a rotation in progress), an allow-list, a token, and
 * two pools. Tests use fresh job ids from {@link #nextJobId()} so they never see each other's rows.
 */
@SpringBootTest(classes = AutoscalerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class AutoscalerTestBase {

    public static final String SECRET = "test-secret";
    public static final String OLD_SECRET = "old-secret";
    public static final String API_TOKEN = "operator-token";
    public static final String OLD_API_TOKEN = "old-operator-token";

    private static final AtomicLong JOB_IDS = new AtomicLong(System.nanoTime() % 1_000_000_000L * 1000);

    @LocalServerPort
    protected int port;

    /** Actuator's own port (random in tests, 8081 by default): probes and the Prometheus scrape. */
    @LocalManagementPort
    protected int managementPort;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> EmbeddedDatabase.jdbcUrl(EmbeddedDatabase.shared()));
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "postgres");
        TestProperties.common().forEach((k, v) -> registry.add(k, () -> v));
    }

    public static long nextJobId() {
        return JOB_IDS.incrementAndGet();
    }

    protected WebhookClient client() {
        return new WebhookClient(port, SECRET);
    }

    /** A client of the management port (Actuator). */
    protected WebhookClient management() {
        return new WebhookClient(managementPort, SECRET);
    }
}
