package dev.runnerscale.taskapi.testsupport;

import dev.runnerscale.taskapi.TaskApiApplication;
import dev.runnerscale.taskapi.tokens.Scope;
import dev.runnerscale.taskapi.tokens.TokenService;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the API tests: the whole application on a random port over real (embedded) PostgreSQL. Every subclass
 * has the same configuration, so Spring caches ONE context for all of them; tables are emptied before each test.
 */
@SpringBootTest(
        classes = TaskApiApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"taskapi.bootstrap-token=" + ApiTest.BOOTSTRAP_TOKEN, "taskapi.max-body-size=16KB"})
public abstract class ApiTest {

    public static final String BOOTSTRAP_TOKEN = "tapi_test-bootstrap-token-0123456789abcdef";

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        EmbeddedDatabase.springProperties("taskapi_test").forEach((key, value) -> registry.add(key, () -> value));
    }

    @LocalServerPort
    protected int port;

    /** Actuator's own port (random in tests, 8081 by default): probes and the Prometheus scrape. */
    @LocalManagementPort
    protected int managementPort;

    @Autowired
    protected JdbcClient jdbc;

    @Autowired
    protected TokenService tokens;

    protected ApiClient api;

    protected ApiClient management;

    @BeforeEach
    void emptyTables() {
        jdbc.sql("TRUNCATE tasks, api_tokens").update();
        tokens.seedBootstrapToken();
        api = new ApiClient(port);
        management = new ApiClient(managementPort);
    }

    protected String token(String owner, Scope... scopes) {
        return tokens.mint(owner, List.of(scopes)).token();
    }

    protected long taskRows() {
        return jdbc.sql("SELECT count(*) FROM tasks").query(Long.class).single();
    }
}
