package dev.runnerscale.chartchecks.support;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
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
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * fabric8's Kubernetes mock API server in CRUD mode that records every request it serves (method, path, user agent):
 * what the autoscaler really asks of the API server, to compare with the RBAC the chart grants.
 */
public final class RecordingKubernetes implements AutoCloseable {

    public record Request(String method, String path, String userAgent, int status) {}

    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final KubernetesMockServer server;

    public RecordingKubernetes() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        KubernetesMixedDispatcher dispatcher = new KubernetesMixedDispatcher(responses) {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                MockResponse response = super.dispatch(request);
                requests.add(new Request(
                        request.getMethod(), request.getPath(), request.getHeader("User-Agent"), response.code()));
                return response;
            }
        };
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, dispatcher, false);
        server.init();
    }

    public String url() {
        return server.url("/");
    }

    /** A client that identifies itself: its requests are the test's, not the application's. */
    public KubernetesClient client(String userAgent) {
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl(url())
                .withTrustCerts(true)
                .withUserAgent(userAgent)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.destroy();
    }
}
