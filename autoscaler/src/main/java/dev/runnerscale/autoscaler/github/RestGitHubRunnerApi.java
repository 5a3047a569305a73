package dev.runnerscale.autoscaler.github;

import dev.runnerscale.autoscaler.github.GitHubHttp.GitHubCall;
import dev.runnerscale.autoscaler.github.GitHubHttp.GitHubResponse;
import dev.runnerscale.autoscaler.pools.PoolsProperties.GitHubScope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpMethod;
import tools.jackson.databind.JsonNode;

/**
 * The runner endpoints through our own client: github-api has no runner, JIT-config or registration calls. Each
 * call uses the credential serving its scope ({@link GitHubCredentials}: the scope owner's installation token, or the
 * personal access token), through {@link GitHubHttp}'s guard.
 */
final class RestGitHubRunnerApi implements GitHubRunnerApi {

    static final int PER_PAGE = 100;
    /** 100 pages of 100 runners: far above any pool cap; a bound so a broken {@code Link} cannot loop. */
    static final int MAX_PAGES = 100;

    private final GitHubHttp http;
    private final GitHubCredentials credentials;

    RestGitHubRunnerApi(GitHubHttp http, GitHubCredentials credentials) {
        this.http = http;
        this.credentials = credentials;
    }

    @Override
    public JitRunner createJitRunner(GitHubScope scope, String runnerName, List<String> labels) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", runnerName);
        body.put("runner_group_id", scope.runnerGroupId());
        body.put("labels", labels);
        GitHubCall call = scoped(GitHubOperation.JIT_CONFIG, scope, "/actions/runners/generate-jitconfig")
                .method(HttpMethod.POST)
                .withBody(body);
        JsonNode answer = http.send(call).body();
        JsonNode runner = answer.path("runner");
        String config = answer.path("encoded_jit_config").asString("");
        if (!runner.path("id").canConvertToLong() || config.isBlank()) {
            throw new GitHubUnavailableException("GitHub jit_config answer lacks runner.id or encoded_jit_config");
        }
        return new JitRunner(runner.path("id").asLong(), runner.path("name").asString(runnerName), config);
    }

    @Override
    public List<RegisteredRunner> listRunners(GitHubScope scope) {
        List<RegisteredRunner> all = new ArrayList<>();
        for (int page = 1; page <= MAX_PAGES; page++) {
            GitHubCall call = scoped(
                    GitHubOperation.LIST_RUNNERS, scope, "/actions/runners?per_page=" + PER_PAGE + "&page=" + page);
            GitHubResponse response = http.send(call);
            JsonNode runners = response.body().path("runners");
            for (JsonNode r : runners) {
                List<String> labels = new ArrayList<>();
                r.path("labels").forEach(l -> labels.add(l.path("name").asString("")));
                all.add(new RegisteredRunner(
                        r.path("id").asLong(),
                        r.path("name").asString(""),
                        r.path("status").asString(""),
                        r.path("busy").asBoolean(false),
                        labels));
            }
            if (!LinkHeader.hasNext(response.headers()) || runners.size() < PER_PAGE) {
                break;
            }
        }
        return List.copyOf(all);
    }

    @Override
    public RunnerRemoval removeRunner(GitHubScope scope, long runnerId) {
        GitHubCall call = scoped(GitHubOperation.DELETE_RUNNER, scope, "/actions/runners/" + runnerId)
                .method(HttpMethod.DELETE)
                .accepting(404, 422);
        int status = http.send(call).status();
        return switch (status) {
            case 404 -> RunnerRemoval.NOT_FOUND;
            // The OpenAPI description documents 422 for "runner is still running a job".
            case 422 -> RunnerRemoval.BUSY;
            default -> RunnerRemoval.REMOVED;
        };
    }

    @Override
    public Optional<Instant> heldUntil(GitHubScope scope) {
        return credentials.heldUntil(scope.owner());
    }

    @Override
    public Optional<RateBudget> budget(GitHubScope scope) {
        return credentials.knownForScope(scope).flatMap(http::budget);
    }

    @Override
    public boolean dryRun() {
        return false;
    }

    private GitHubCall scoped(GitHubOperation op, GitHubScope scope, String suffix) {
        GitHubCredential credential = credentials.forScope(scope);
        if (scope.organisationScoped()) {
            return GitHubCall.get(op, credential, "/orgs/{org}" + suffix, scope.owner());
        }
        return GitHubCall.get(op, credential, "/repos/{owner}/{repo}" + suffix, scope.owner(), scope.repository());
    }
}
