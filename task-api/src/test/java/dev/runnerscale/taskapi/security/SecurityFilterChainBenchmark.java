package dev.runnerscale.taskapi.security;

import dev.runnerscale.taskapi.TaskApiApplication;
import dev.runnerscale.taskapi.testsupport.EmbeddedDatabase;
import dev.runnerscale.taskapi.tokens.Scope;
import dev.runnerscale.taskapi.tokens.TokenAuthenticationProvider;
import dev.runnerscale.taskapi.tokens.TokenService;
import jakarta.servlet.FilterChain;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.web.FilterChainProxy;

/**
 * What Spring Security costs a Task API request beyond the token lookup, in CPU time of the calling thread (so a
 * busy, shared machine disturbs it far less than a throughput figure does). The hand-written filter it replaced did
 * one thing per request: look the token's hash up in PostgreSQL. So the A side here is exactly that, our
 * {@link TokenAuthenticationProvider} called directly, and the B side is the real application's
 * {@link FilterChainProxy} (firewall, bearer-token parsing, the same lookup, scope check, headers), both driven with
 * mock requests whose servlet ends at once. Cases interleaved in every round; the minimum over the rounds is the least
 * disturbed figure. Bounded: {@code rounds} x {@code requests} per case.
 *
 * <pre>
 * ./mvnw -B -q -pl task-api test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.runnerscale.taskapi.security.SecurityFilterChainBenchmark [-Dexec.args="7 20000"]
 * </pre>
 */
public final class SecurityFilterChainBenchmark {

    private static final String LOOKUP = "token lookup only (the former filter)";

    private SecurityFilterChainBenchmark() {}

    private interface Call {
        void run(MockHttpServletRequest request, MockHttpServletResponse response) throws Exception;
    }

    private record Case(Supplier<MockHttpServletRequest> request, Call call) {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        List<String> appArgs = new ArrayList<>(List.of(
                "--server.port=0",
                "--management.server.port=0",
                "--spring.main.banner-mode=off",
                "--logging.level.root=WARN"));
        EmbeddedDatabase.springProperties("taskapi_chain_benchmark")
                .forEach((key, value) -> appArgs.add("--" + key + "=" + value));
        try (ConfigurableApplicationContext context =
                new SpringApplicationBuilder(TaskApiApplication.class).run(appArgs.toArray(String[]::new))) {
            String token = context.getBean(TokenService.class)
                    .mint("bench", List.of(Scope.TASKS_READ, Scope.TASKS_WRITE))
                    .token();
            TokenAuthenticationProvider provider = context.getBean(TokenAuthenticationProvider.class);
            FilterChainProxy proxy = context.getBean(FilterChainProxy.class);
            FilterChain servlet = (request, response) -> response.getOutputStream();
            Call throughTheChain = (request, response) -> proxy.doFilter(request, response, servlet);
            Supplier<MockHttpServletRequest> read = () -> request("GET", "/tasks", token);
            Supplier<MockHttpServletRequest> write = () -> request("POST", "/tasks", token);

            Map<String, Case> cases = new LinkedHashMap<>();
            cases.put(LOOKUP, new Case(read, (request, response) -> {
                provider.authenticate(new BearerTokenAuthenticationToken(token));
                servlet.doFilter(request, response);
            }));
            cases.put("GET /tasks (read), through the chain", new Case(read, throughTheChain));
            cases.put("POST /tasks (write), through the chain", new Case(write, throughTheChain));

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
            double lookup = results.get(LOOKUP)[0];
            results.forEach((name, values) -> System.out.printf(
                    "%-40s min %6.2f us, median %6.2f us per request%s%n",
                    name,
                    values[0],
                    values[values.length / 2],
                    name.equals(LOOKUP)
                            ? ""
                            : String.format("; Spring Security beyond the lookup: %.2f us", values[0] - lookup)));
        } finally {
            EmbeddedDatabase.stop();
        }
        System.exit(0);
    }

    private static MockHttpServletRequest request(String method, String path, String token) {
        MockHttpServletRequest request = new MockHttpServletRequest(method, path);
        request.setServletPath(path);
        request.addHeader("Authorization", "Bearer " + token);
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
