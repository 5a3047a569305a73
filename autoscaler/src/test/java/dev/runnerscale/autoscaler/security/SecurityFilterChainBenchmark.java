package dev.runnerscale.autoscaler.security;

import dev.runnerscale.autoscaler.AutoscalerApplication;
import dev.runnerscale.autoscaler.testsupport.AutoscalerTestBase;
import dev.runnerscale.autoscaler.testsupport.EmbeddedDatabase;
import dev.runnerscale.autoscaler.testsupport.TestProperties;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.servlet.FilterChain;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.web.FilterChainProxy;

/**
 * What Spring Security's filter chain costs a request, in CPU time of the calling thread (so a busy, shared machine
 * disturbs it far less than a throughput figure does): the real application's {@link FilterChainProxy}, driven with
 * mock requests whose servlet ends at once, for the webhook route, an operator read with a valid token and a path
 * that is no route, against the mock request and response alone. The cases are interleaved in every round; the
 * minimum over the rounds is the least disturbed figure. Bounded: {@code rounds} x {@code requests} per case.
 *
 * <pre>
 * ./mvnw -B -q -pl autoscaler test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.runnerscale.autoscaler.security.SecurityFilterChainBenchmark [-Dexec.args="9 100000"]
 * </pre>
 */
public final class SecurityFilterChainBenchmark {

    private static final String MOCKS = "mock request and response only";

    private SecurityFilterChainBenchmark() {}

    private interface Call {
        void run(MockHttpServletRequest request, MockHttpServletResponse response) throws Exception;
    }

    private record Case(Supplier<MockHttpServletRequest> request, Call call) {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        EmbeddedPostgres postgres = EmbeddedDatabase.start(null, "on");
        Map<String, String> properties = new HashMap<>(TestProperties.common());
        properties.put("spring.datasource.url", EmbeddedDatabase.jdbcUrl(postgres));
        properties.put("spring.datasource.username", "postgres");
        properties.put("spring.datasource.password", "postgres");
        properties.put("server.port", "0");
        properties.put("spring.main.banner-mode", "off");
        properties.put("logging.level.root", "WARN");
        properties.put("runnerscale.runners.enabled", "false");
        try (ConfigurableApplicationContext context =
                SpringApplication.run(AutoscalerApplication.class, TestProperties.asArguments(properties))) {
            FilterChainProxy proxy = context.getBean(FilterChainProxy.class);
            FilterChain servlet = (request, response) -> response.getOutputStream();
            Call throughTheChain = (request, response) -> proxy.doFilter(request, response, servlet);
            Supplier<MockHttpServletRequest> webhook = () -> {
                MockHttpServletRequest r = request("POST", "/webhooks/github");
                r.addHeader("Content-Type", "application/json");
                r.addHeader("X-GitHub-Event", "workflow_job");
                r.addHeader("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958");
                r.addHeader("X-Hub-Signature-256", "sha256=" + "0".repeat(64));
                return r;
            };
            Map<String, Case> cases = new LinkedHashMap<>();
            cases.put(MOCKS, new Case(webhook, servlet::doFilter));
            cases.put("POST /webhooks/github", new Case(webhook, throughTheChain));
            cases.put(
                    "GET /api/v1/pools, operator token",
                    new Case(
                            () -> {
                                MockHttpServletRequest r = request("GET", "/api/v1/pools");
                                r.addHeader("Authorization", "Bearer " + AutoscalerTestBase.API_TOKEN);
                                return r;
                            },
                            throughTheChain));
            cases.put("GET /no-route", new Case(() -> request("GET", "/no-route"), throughTheChain));

            Map<String, double[]> results = new LinkedHashMap<>();
            cases.keySet().forEach(name -> results.put(name, new double[rounds]));
            for (int round = -2; round < rounds; round++) { // two warm-up rounds
                for (Map.Entry<String, Case> c : cases.entrySet()) {
                    double perRequest = measure(requests, c.getValue());
                    if (round >= 0) {
                        results.get(c.getKey())[round] = perRequest;
                    }
                }
            }
            System.out.printf(
                    "%d rounds of %d requests per case, interleaved, %d cores; CPU time of this thread%n",
                    rounds, requests, Runtime.getRuntime().availableProcessors());
            results.values().forEach(Arrays::sort);
            double mocks = results.get(MOCKS)[0];
            results.forEach((name, values) -> System.out.printf(
                    "%-36s min %5.2f us, median %5.2f us per request%s%n",
                    name,
                    values[0],
                    values[values.length / 2],
                    name.equals(MOCKS)
                            ? ""
                            : String.format("; the chain (min - mocks' min): %.2f us", values[0] - mocks)));
        } finally {
            postgres.close();
        }
        System.exit(0);
    }

    private static MockHttpServletRequest request(String method, String path) {
        MockHttpServletRequest request = new MockHttpServletRequest(method, path);
        request.setServletPath(path);
        return request;
    }

    /** CPU microseconds per request of the calling thread. */
    private static double measure(int requests, Case c) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long start = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < requests; i++) {
            MockHttpServletResponse response = new MockHttpServletResponse();
            c.call().run(c.request().get(), response);
            response.flushBuffer();
        }
        return (threads.getCurrentThreadCpuTime() - start) / 1e3 / requests;
    }
}
