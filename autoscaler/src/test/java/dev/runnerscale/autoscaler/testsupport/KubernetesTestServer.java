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
import java.util.Map;
import java.util.Queue;

/**
 * fabric8's Kubernetes mock server in CRUD mode (a real HTTP API server that stores what it is sent, answers 409 to
 * a create of an existing name and streams watch events), which also serves one-off {@code expect()} failures
 * before falling back to CRUD.
 */
public final class KubernetesTestServer implements AutoCloseable {

    private static KubernetesTestServer shared;

    private final KubernetesMockServer server;

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
                MockResponse response = super.dispatch(request);
                listener.answered(request.getMethod(), request.getPath(), response.code());
                return response;
            }
        };
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, dispatcher, false);
        server.init();
    }

    /** A new client of this server (each reconciler under test gets its own, as replicas would). */
    public KubernetesClient client() {
        return server.createClient();
    }

    public KubernetesMockServer server() {
        return server;
    }

    @Override
    public void close() {
        server.destroy();
    }
}
