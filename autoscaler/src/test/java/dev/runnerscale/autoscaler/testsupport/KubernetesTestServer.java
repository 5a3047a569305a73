package dev.runnerscale.autoscaler.testsupport;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * fabric8's Kubernetes mock server in CRUD mode (a real HTTP API server that stores what it is sent, answers 409 to
 * a create of an existing name and streams watch events), which also serves one-off {@code expect()} failures
 * before falling back to CRUD.
 */
public final class KubernetesTestServer implements AutoCloseable {

    private static KubernetesTestServer shared;

    private final KubernetesMockServer server;

    private record Failure(String method, Predicate<String> path, AtomicInteger left, int status) {}

    private final List<Failure> failures = new CopyOnWriteArrayList<>();

    /** One API server per JVM for the Spring contexts of the tests (like the shared embedded PostgreSQL). */
    public static synchronized KubernetesTestServer shared() {
        if (shared == null) {
            shared = new KubernetesTestServer();
        }
        return shared;
    }

    /** The URL a client reaches this server at ({@code runnerscale.kubernetes.master-url}). */
    public String url() {
        return server.url("/");
    }

    public KubernetesTestServer() {
        this((method, path, status) -> {});
    }

    /** Called on the server's thread as each response is handed back, before it is written (benchmarks time it). */
    @FunctionalInterface
    public interface ResponseListener {
        void answered(String method, String path, int status);
    }

    public KubernetesTestServer(ResponseListener listener) {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        KubernetesMixedDispatcher dispatcher = new KubernetesMixedDispatcher(responses) {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                RecordedRequest served = withoutEventFieldSelector(request);
                MockResponse response = injectedFailure(request).orElseGet(() -> super.dispatch(served));
                listener.answered(request.getMethod(), request.getPath(), response.code());
                return response;
            }
        };
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, dispatcher, false);
        server.init();
    }

    private static final java.util.regex.Pattern EVENT_LIST =
            java.util.regex.Pattern.compile("^/api/v1/namespaces/[^/?]+/events\\?.*");

    /**
     * The mock server's CRUD mode treats a field selector on a field it does not index (an Event's {@code reason}) as
     * matching nothing, where the real API server filters on it. Such LISTs of Events are answered without the selector
     * (a superset), which the code under test filters again as it must anyway.
     */
    static RecordedRequest withoutEventFieldSelector(RecordedRequest request) {
        String path = request.getPath();
        if (!"GET".equals(request.getMethod())
                || path == null
                || !EVENT_LIST.matcher(path).matches()
                || !path.contains("fieldSelector=")) {
            return request;
        }
        String stripped = path.replaceAll("([?&])fieldSelector=[^&]*&?", "$1").replaceAll("[?&]$", "");
        return new RecordedRequest(
                request.getHttpVersion(), request.method(), stripped, request.getHeaders(), request.getBody());
    }

    /**
     * The next {@code times} requests whose method and path (query included) match answer {@code status} with a
     * Kubernetes Status body, as an API server that is restarting would. For requests whose path an {@code expect()}
     * cannot name in advance, such as a watch carrying the resource version of the LIST before it.
     */
    public void fail(String method, Predicate<String> path, int times, int status) {
        failures.add(new Failure(method, path, new AtomicInteger(times), status));
    }

    private Optional<MockResponse> injectedFailure(RecordedRequest request) {
        for (Failure failure : failures) {
            if (failure.method().equals(request.getMethod())
                    && failure.path().test(request.getPath())
                    && failure.left().getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return Optional.of(new MockResponse()
                        .setResponseCode(failure.status())
                        .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":"
                                + failure.status() + ",\"message\":\"injected by the test\"}"));
            }
        }
        return Optional.empty();
    }

    /** A new client of this server (each reconciler under test gets its own, as replicas would). */
    public KubernetesClient client() {
        return server.createClient();
    }

    public KubernetesMockServer server() {
        return server;
    }

    /**
     * Stops the server. Its shutdown waits (10 s) for the event loop that serves the watches, which now and then
     * misses a watch the client closed a moment before: the server is gone all the same (its port is ephemeral), and a
     * test must not fail on the mock's own shutdown after its assertions held.
     */
    @Override
    public void close() {
        try {
            server.destroy();
        } catch (IllegalStateException e) {
            if (!(e.getCause() instanceof java.util.concurrent.TimeoutException)) {
                throw e;
            }
            org.slf4j.LoggerFactory.getLogger(KubernetesTestServer.class)
                    .warn("mock API server shutdown timed out waiting for its watch connections: {}", e.getMessage());
        }
    }
}
