package dev.runnerscale.autoscaler.github;

import dev.runnerscale.autoscaler.github.GitHubHttp.GitHubCall;
import dev.runnerscale.autoscaler.github.GitHubHttp.GitHubResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kohsuke.github.connector.GitHubConnector;
import org.kohsuke.github.connector.GitHubConnectorRequest;
import org.kohsuke.github.connector.GitHubConnectorResponse;
import org.springframework.http.HttpMethod;
import tools.jackson.databind.json.JsonMapper;

/**
 * Lets github-api send its requests through {@link GitHubHttp}, so that calls the library does have go through the
 * same gate, circuit breaker, rate limiter and metrics as ours. Failures surface as our unchecked exceptions, which
 * the library's connection-error retry loop (it retries {@code IOException}s twice) and its rate-limit handlers
 * never see: one retry layer only, and the library never sleeps. Only body-less requests are supported, which is
 * all the library is used for ({@code GET /rate_limit}).
 */
final class GuardedGitHubConnector implements GitHubConnector {

    private final GitHubHttp http;
    private final GitHubOperation operation;
    private final GitHubCredential credential;
    private final JsonMapper json;

    GuardedGitHubConnector(GitHubHttp http, GitHubOperation operation, GitHubCredential credential, JsonMapper json) {
        this.http = http;
        this.operation = operation;
        this.credential = credential;
        this.json = json;
    }

    @Override
    public GitHubConnectorResponse send(GitHubConnectorRequest request) {
        if (request.hasBody()) {
            throw new UnsupportedOperationException("github-api requests with a body are not routed through us");
        }
        GitHubResponse response = http.send(new GitHubCall(
                operation,
                HttpMethod.valueOf(request.method()),
                request.url().toString(),
                new Object[0],
                credential,
                null,
                Set.of()));
        Map<String, List<String>> headers = new LinkedHashMap<>();
        response.headers().forEach(headers::put);
        byte[] body = response.body().isMissingNode() ? new byte[0] : json.writeValueAsBytes(response.body());
        return new Response(request, response.status(), headers, body);
    }

    private static final class Response extends GitHubConnectorResponse {
        private final byte[] body;

        Response(GitHubConnectorRequest request, int status, Map<String, List<String>> headers, byte[] body) {
            super(request, status, headers);
            this.body = body;
        }

        @Override
        public InputStream bodyStream() throws IOException {
            return new ByteArrayInputStream(body);
        }

        @Override
        public void close() {
            // the body is in memory
        }
    }
}
