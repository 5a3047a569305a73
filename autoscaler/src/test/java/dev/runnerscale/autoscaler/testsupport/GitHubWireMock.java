package dev.runnerscale.autoscaler.testsupport;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.extension.ServeEventListener;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import dev.runnerscale.autoscaler.pools.PoolsProperties.GitHubScope;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * A fake GitHub REST API on a random loopback port whose every request and response is checked against GitHub's
 * OpenAPI description ({@link OpenApiContract}). Register it with
 * {@code @RegisterExtension static final GitHubWireMock github = new GitHubWireMock();}: the server starts once per
 * test class, is reset before each test, and a test fails afterwards when any interaction violated the
 * description or reached no stub. Helpers build stubs whose bodies the validator proves spec-valid.
 */
public final class GitHubWireMock
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    public static final String DOCS = "https://docs.github.com/rest";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final Set<UUID> claimed = ConcurrentHashMap.newKeySet();
    private final Set<UUID> validated = ConcurrentHashMap.newKeySet();
    private final boolean validate;
    private final GitHubRunnerFake runnerFake = new GitHubRunnerFake();
    private WireMockServer server;

    public GitHubWireMock() {
        this(true);
    }

    /** {@code validate=false} only for benchmarks, which measure our client rather than the validator. */
    public GitHubWireMock(boolean validate) {
        this.validate = validate;
    }

    /** Starts the server outside JUnit (benchmarks, the local default). */
    public GitHubWireMock start() {
        if (validate) {
            SharedReference.dir(); // skip (or fail in CI) before starting when the description is absent
        }
        server = new WireMockServer(options()
                .bindAddress("127.0.0.1")
                .dynamicPort()
                .containerThreads(32)
                .extensions(new Validator(), runnerFake));
        server.start();
        return this;
    }

    public void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        awaitValidation();
        server.resetAll();
        runnerFake.reset();
        claimed.clear();
        validated.clear();
        violations.clear();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<String> found = drainViolations();
        if (!found.isEmpty()) {
            throw new AssertionError("the fake GitHub saw interactions outside GitHub's OpenAPI description:\n  "
                    + String.join("\n  ", found));
        }
    }

    /** The violations recorded so far, which are then forgotten (for tests that provoke one on purpose). */
    public List<String> drainViolations() {
        awaitValidation();
        List<String> copy = List.copyOf(violations);
        violations.clear();
        return copy;
    }

    /**
     * WireMock calls listeners after the response went out, so a client may see its answer before the interaction
     * is validated: wait until every served interaction has been.
     */
    private void awaitValidation() {
        try {
            Awaitility.await("OpenAPI validation of every served interaction")
                    .atMost(Duration.ofMillis(1500))
                    .pollInterval(Duration.ofMillis(5))
                    .until(() -> server.getAllServeEvents().stream().allMatch(e -> validated.contains(e.getId())));
        } catch (ConditionTimeoutException e) {
            // WireMock skips listeners when the client went away first (our timeout tests do that): validate
            // those interactions from the journal, as far as they got.
            for (ServeEvent event : server.getAllServeEvents()) {
                validate(event);
            }
        }
    }

    private void validate(ServeEvent event) {
        if (claimed.add(event.getId())) {
            try {
                if (validate) {
                    violations.addAll(OpenApiContract.violations(event));
                }
            } finally {
                // Marked only once its violations are recorded, so that awaitValidation never returns early.
                validated.add(event.getId());
            }
        }
    }

    /**
     * GitHub's runner endpoints of {@code scope} with GitHub's state ({@link GitHubRunnerFake}): registrations, the
     * runner list, busy flags and removals behave as on GitHub, for end-to-end scenarios. Call it once per scope;
     * every scope has its own runners, faults and counters in the one fake.
     */
    public GitHubRunnerFake stubStatefulRunners(GitHubScope scope) {
        runnerFake.addScope(scope);
        stub(any(urlPathMatching(Pattern.quote(scopePath(scope)) + "/actions/runners(/.*)?"))
                .willReturn(aResponse().withTransformers(GitHubRunnerFake.NAME)));
        return runnerFake;
    }

    /**
     * A stateful GitHub App ({@link GitHubRunnerFake}): installation lookups of any organisation or repository and
     * token mints of any installation, answered from {@link GitHubRunnerFake#install(String, long, String...)}.
     */
    public GitHubRunnerFake stubStatefulApp() {
        stub(get(urlPathMatching("/orgs/[^/]+/installation"))
                .willReturn(aResponse().withTransformers(GitHubRunnerFake.NAME)));
        stub(get(urlPathMatching("/repos/[^/]+/[^/]+/installation"))
                .willReturn(aResponse().withTransformers(GitHubRunnerFake.NAME)));
        stub(post(urlPathMatching("/app/installations/[0-9]+/access_tokens"))
                .willReturn(aResponse().withTransformers(GitHubRunnerFake.NAME)));
        return runnerFake;
    }

    /** The stateful fake behind {@link #stubStatefulRunners} and {@link #stubStatefulApp}. */
    public GitHubRunnerFake fake() {
        return runnerFake;
    }

    public WireMockServer server() {
        return server;
    }

    public String baseUrl() {
        return server.baseUrl();
    }

    public StubMapping stub(MappingBuilder mapping) {
        return server.stubFor(mapping);
    }

    /** Requests received whose path is {@code path} (any method). */
    public long requestCount(String path) {
        return server.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().split("\\?")[0].equals(path))
                .count();
    }

    public long requestCount() {
        return server.getAllServeEvents().size();
    }

    /** Requests received with this method whose path matches {@code pathRegex}. */
    public long requestCount(String method, String pathRegex) {
        Pattern p = Pattern.compile(pathRegex);
        return server.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getMethod().getName().equals(method))
                .filter(e -> p.matcher(e.getRequest().getUrl().split("\\?")[0]).matches())
                .count();
    }

    // ---------------------------------------------------------------- scopes

    /** An organisation-scoped pool's GitHub scope (runner group 1). */
    public static GitHubScope org(String organisation) {
        return GitHubScope.of(organisation, "", 1);
    }

    /** A repository-scoped pool's GitHub scope (runner group 1). */
    public static GitHubScope repo(String owner, String repository) {
        return GitHubScope.of(owner, repository, 1);
    }

    // ---------------------------------------------------------------- stubs of GitHub's answers

    public StubMapping stubInstallationToken(long installationId, String token, Instant expiresAt) {
        return stub(post(urlPathEqualTo("/app/installations/" + installationId + "/access_tokens"))
                .willReturn(json(201, Map.of("token", token, "expires_at", expiresAt.toString()))));
    }

    /** {@code GET /orgs/{org}/installation}: the App is installed on the organisation as {@code installationId}. */
    public StubMapping stubOrgInstallation(String organisation, long installationId) {
        return stub(get(urlPathEqualTo("/orgs/" + organisation + "/installation"))
                .willReturn(json(200, installation(organisation, installationId))));
    }

    /** {@code GET /repos/{owner}/{repo}/installation}: the App's installation on the repository's owner. */
    public StubMapping stubRepoInstallation(String owner, String repository, long installationId) {
        return stub(get(urlPathEqualTo("/repos/" + owner + "/" + repository + "/installation"))
                .willReturn(json(200, installation(owner, installationId))));
    }

    /** The App is not installed there: the lookup ({@code /orgs/{org}} or {@code /repos/{o}/{r}}) answers 404. */
    public StubMapping stubNotInstalled(String ownerPath) {
        return stub(get(urlPathEqualTo(ownerPath + "/installation")).willReturn(notFound()));
    }

    public StubMapping stubJitConfig(GitHubScope scope, long runnerId, String runnerName, String encodedJitConfig) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("runner", runner(runnerId, runnerName, "offline", false, List.of("self-hosted")));
        body.put("encoded_jit_config", encodedJitConfig);
        return stub(post(urlPathEqualTo(scopePath(scope) + "/actions/runners/generate-jitconfig"))
                .willReturn(json(201, body)));
    }

    /**
     * Registers any runner name asked for (for end-to-end tests that create many runners): the answer echoes the
     * requested name and labels and gives a fresh runner id; the encoded JIT config is {@code jit-<name>}.
     */
    public StubMapping stubJitConfigForAnyRunner(GitHubScope scope) {
        String body = """
                {"runner":{"id":{{randomInt lower=1 upper=2000000000}},"name":"{{jsonPath request.body '$.name'}}",\
                "os":"linux","status":"offline","busy":false,"ephemeral":true,\
                "labels":[{{#each (jsonPath request.body '$.labels') as |l|}}{{#if @index}},{{/if}}\
                {"name":"{{l}}","type":"custom"}{{/each}}]},\
                "encoded_jit_config":"jit-{{jsonPath request.body '$.name'}}"}""";
        return stub(post(urlPathEqualTo(scopePath(scope) + "/actions/runners/generate-jitconfig"))
                .willReturn(aResponse()
                        .withStatus(201)
                        .withHeader("Content-Type", "application/json; charset=utf-8")
                        .withHeader("X-RateLimit-Remaining", "4999")
                        .withBody(body)
                        .withTransformers("response-template")));
    }

    /** Runner list pages; every page but the last carries a {@code Link: rel="next"}. */
    public void stubRunnerPages(GitHubScope scope, List<List<RunnerFixture>> pages) {
        int total = pages.stream().mapToInt(List::size).sum();
        String path = scopePath(scope) + "/actions/runners";
        for (int i = 0; i < pages.size(); i++) {
            int page = i + 1;
            List<Object> runners = new ArrayList<>();
            pages.get(i).forEach(r -> runners.add(runner(r.id(), r.name(), r.status(), r.busy(), r.labels())));
            ResponseDefinitionBuilder answer = json(200, Map.of("total_count", total, "runners", runners));
            if (page < pages.size()) {
                answer = answer.withHeader(
                        "Link",
                        "<" + baseUrl() + path + "?per_page=100&page=" + (page + 1) + ">; rel=\"next\", <" + baseUrl()
                                + path + "?per_page=100&page=" + pages.size() + ">; rel=\"last\"");
            }
            MappingBuilder mapping = get(urlPathEqualTo(path));
            mapping = page == 1
                    ? mapping.withQueryParam("page", equalTo("1"))
                    : mapping.withQueryParam("page", equalTo(String.valueOf(page)));
            stub(mapping.willReturn(answer));
        }
    }

    public StubMapping stubDeleteRunner(GitHubScope scope, long runnerId, int status) {
        ResponseDefinitionBuilder answer = switch (status) {
            case 204 -> aResponse().withStatus(204);
            case 404 -> notFound();
            case 422 ->
                json(
                        422,
                        Map.of(
                                "message",
                                "Bad request - Runner \"runner-" + runnerId + "\" is still running a job\"",
                                "documentation_url",
                                DOCS + "/actions/self-hosted-runners"));
            default -> throw new IllegalArgumentException("no delete-runner answer for " + status);
        };
        return stub(delete(urlPathEqualTo(scopePath(scope) + "/actions/runners/" + runnerId))
                .willReturn(answer));
    }

    public StubMapping stubJob(String owner, String repo, JobFixture job) {
        return stub(get(urlPathEqualTo("/repos/" + owner + "/" + repo + "/actions/jobs/" + job.id()))
                .willReturn(json(200, job.toJson(owner, repo))));
    }

    public StubMapping stubJobUnknown(String owner, String repo, long jobId) {
        return stub(get(urlPathEqualTo("/repos/" + owner + "/" + repo + "/actions/jobs/" + jobId))
                .willReturn(notFound()));
    }

    /** The App's hook, as the delivery stubs name hooks. */
    public static final String APP_HOOK = "/app/hook";

    /** An organisation hook, as the delivery stubs name hooks. */
    public static String orgHook(String organisation, long hookId) {
        return "/orgs/" + organisation + "/hooks/" + hookId;
    }

    /** A repository hook, as the delivery stubs name hooks. */
    public static String repoHook(String owner, String repository, long hookId) {
        return "/repos/" + owner + "/" + repository + "/hooks/" + hookId;
    }

    /** One page of App hook deliveries (newest first); {@code nextCursor} adds a {@code Link: rel="next"}. */
    public StubMapping stubDeliveries(String cursor, List<DeliveryFixture> deliveries, String nextCursor) {
        return stubDeliveries(APP_HOOK, cursor, deliveries, nextCursor);
    }

    /**
     * One page of a hook's deliveries (newest first): {@code hook} is {@link #APP_HOOK}, {@link #orgHook} or
     * {@link #repoHook}; {@code nextCursor} adds a {@code Link: rel="next"}.
     */
    public StubMapping stubDeliveries(String hook, String cursor, List<DeliveryFixture> deliveries, String nextCursor) {
        List<Object> items = new ArrayList<>();
        deliveries.forEach(d -> items.add(d.toJson(!hook.equals(APP_HOOK))));
        ResponseDefinitionBuilder answer = json(200, items);
        if (nextCursor != null) {
            answer = answer.withHeader(
                    "Link",
                    "<" + baseUrl() + hook + "/deliveries?per_page=100&cursor=" + nextCursor + ">; rel=\"next\"");
        }
        MappingBuilder mapping = get(urlPathEqualTo(hook + "/deliveries"));
        mapping = cursor == null
                ? mapping.withQueryParam("cursor", absent())
                : mapping.withQueryParam("cursor", equalTo(cursor));
        return stub(mapping.willReturn(answer));
    }

    /** {@code GET /rate_limit} with the core budget; the headers repeat it, as GitHub does. */
    public StubMapping stubRateLimit(int remaining, Instant reset) {
        Map<String, Object> core = Map.of(
                "limit", 5000, "remaining", remaining, "reset", reset.getEpochSecond(), "used", 5000 - remaining);
        Map<String, Object> search = Map.of("limit", 30, "remaining", 30, "reset", reset.getEpochSecond(), "used", 0);
        Map<String, Object> resources = Map.of(
                "core", core,
                "search", search,
                "graphql", core,
                "integration_manifest", search);
        return stub(get(urlPathEqualTo("/rate_limit"))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json; charset=utf-8")
                        .withHeader("X-RateLimit-Limit", "5000")
                        .withHeader("X-RateLimit-Remaining", String.valueOf(remaining))
                        .withHeader("X-RateLimit-Reset", String.valueOf(reset.getEpochSecond()))
                        .withBody(JSON.writeValueAsString(Map.of("resources", resources, "rate", core)))));
    }

    public StubMapping stubRedeliver(long deliveryId) {
        return stubRedeliver(APP_HOOK, deliveryId);
    }

    /** GitHub accepts the redelivery of the hook's delivery (202). */
    public StubMapping stubRedeliver(String hook, long deliveryId) {
        return stub(post(urlPathEqualTo(hook + "/deliveries/" + deliveryId + "/attempts"))
                .willReturn(json(202, Map.of())));
    }

    /**
     * {@code POST /repos/{owner}/{repo}/actions/jobs/{job_id}/rerun}: 201 accepted, 403 "cannot be re-run" (GitHub's
     * documented refusal), or 404 unknown.
     */
    public StubMapping stubRerun(String owner, String repo, long jobId, int status) {
        ResponseDefinitionBuilder answer = switch (status) {
            case 201 -> json(201, Map.of());
            case 403 ->
                json(
                        403,
                        Map.of(
                                "message",
                                "Unable to re-run this job because it was created over a month ago",
                                "documentation_url",
                                DOCS + "/actions/workflow-runs#re-run-a-job-from-a-workflow-run"));
            case 404 -> notFound();
            default -> throw new IllegalArgumentException("no re-run answer for " + status);
        };
        return stub(post(urlPathEqualTo("/repos/" + owner + "/" + repo + "/actions/jobs/" + jobId + "/rerun"))
                .willReturn(answer));
    }

    // ---------------------------------------------------------------- answers, for custom stubs

    /** A JSON answer with GitHub's rate-limit headers (4999 of 5000 left, reset in an hour of wall time). */
    public static ResponseDefinitionBuilder json(int status, Object body) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json; charset=utf-8")
                .withHeader("X-RateLimit-Limit", "5000")
                .withHeader("X-RateLimit-Remaining", "4999")
                .withHeader(
                        "X-RateLimit-Reset",
                        String.valueOf(Instant.now().plus(Duration.ofHours(1)).getEpochSecond()))
                .withBody(JSON.writeValueAsString(body));
    }

    public static ResponseDefinitionBuilder notFound() {
        return json(404, Map.of("message", "Not Found", "documentation_url", DOCS));
    }

    public static ResponseDefinitionBuilder serverError(int status) {
        return json(status, Map.of("message", "Server Error"));
    }

    /** A secondary rate limit as GitHub sends it: 429 with {@code Retry-After}. */
    public static ResponseDefinitionBuilder tooManyRequests(long retryAfterSeconds) {
        return json(
                        429,
                        Map.of(
                                "message",
                                "You have exceeded a secondary rate limit. Please wait a few minutes before you try"
                                        + " again.",
                                "documentation_url",
                                DOCS + "/overview/rate-limits-for-the-rest-api"))
                .withHeader("Retry-After", String.valueOf(retryAfterSeconds));
    }

    /** The primary limit exhausted: 403 with {@code X-RateLimit-Remaining: 0} and the reset epoch second. */
    public static ResponseDefinitionBuilder primaryLimitExhausted(Instant reset) {
        return aResponse()
                .withStatus(403)
                .withHeader("Content-Type", "application/json; charset=utf-8")
                .withHeader("X-RateLimit-Limit", "5000")
                .withHeader("X-RateLimit-Remaining", "0")
                .withHeader("X-RateLimit-Reset", String.valueOf(reset.getEpochSecond()))
                .withBody(JSON.writeValueAsString(Map.of(
                        "message",
                        "API rate limit exceeded for installation ID 42.",
                        "documentation_url",
                        DOCS + "/overview/rate-limits-for-the-rest-api")));
    }

    /** A 403 that is not a rate limit: the credentials lack a permission. */
    public static ResponseDefinitionBuilder missingPermission() {
        return json(403, Map.of("message", "Resource not accessible by integration", "documentation_url", DOCS));
    }

    public static String scopePath(GitHubScope scope) {
        return scope.organisationScoped()
                ? "/orgs/" + scope.owner()
                : "/repos/" + scope.owner() + "/" + scope.repository();
    }

    /** An App installation as {@code GET /orgs/{org}/installation} describes it (an organisation account). */
    static Map<String, Object> installation(String owner, long installationId) {
        String api = "https://api.github.com";
        Map<String, Object> account = new LinkedHashMap<>();
        account.put("login", owner);
        account.put("id", 1000 + Math.abs(owner.hashCode() % 100000));
        account.put("node_id", "MDEyOk9yZ2FuaXphdGlvbjE=");
        account.put("avatar_url", "https://github.com/images/error/octocat_happy.gif");
        account.put("gravatar_id", "");
        account.put("url", api + "/orgs/" + owner);
        account.put("html_url", "https://github.com/" + owner);
        account.put("followers_url", api + "/users/" + owner + "/followers");
        account.put("following_url", api + "/users/" + owner + "/following{/other_user}");
        account.put("gists_url", api + "/users/" + owner + "/gists{/gist_id}");
        account.put("starred_url", api + "/users/" + owner + "/starred{/owner}{/repo}");
        account.put("subscriptions_url", api + "/users/" + owner + "/subscriptions");
        account.put("organizations_url", api + "/users/" + owner + "/orgs");
        account.put("repos_url", api + "/orgs/" + owner + "/repos");
        account.put("events_url", api + "/orgs/" + owner + "/events");
        account.put("received_events_url", api + "/users/" + owner + "/received_events");
        account.put("type", "Organization");
        account.put("site_admin", false);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", installationId);
        m.put("account", account);
        m.put("repository_selection", "all");
        m.put("access_tokens_url", api + "/app/installations/" + installationId + "/access_tokens");
        m.put("repositories_url", api + "/installation/repositories");
        m.put("html_url", "https://github.com/organizations/" + owner + "/settings/installations/" + installationId);
        m.put("app_id", 123456);
        m.put("client_id", "Iv1.ab1112223334445c");
        m.put("target_id", account.get("id"));
        m.put("target_type", "Organization");
        m.put("permissions", Map.of("actions", "write", "organization_self_hosted_runners", "write"));
        m.put("events", List.of("workflow_job"));
        m.put("created_at", "2026-01-09T20:51:14Z");
        m.put("updated_at", "2026-01-09T20:51:14Z");
        m.put("single_file_name", null);
        m.put("app_slug", "runnerscale");
        m.put("suspended_at", null);
        m.put("suspended_by", null);
        return m;
    }

    static Map<String, Object> runner(long id, String name, String status, boolean busy, List<String> labels) {
        Map<String, Object> runner = new LinkedHashMap<>();
        runner.put("id", id);
        runner.put("name", name);
        runner.put("os", "linux");
        runner.put("status", status);
        runner.put("busy", busy);
        List<Object> labelObjects = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            String label = labels.get(i);
            labelObjects.add(
                    Map.of("id", i + 1, "name", label, "type", label.equals("self-hosted") ? "read-only" : "custom"));
        }
        runner.put("labels", labelObjects);
        runner.put("ephemeral", true);
        return runner;
    }

    // ---------------------------------------------------------------- fixtures

    public record RunnerFixture(long id, String name, String status, boolean busy, List<String> labels) {}

    /** A workflow job as GitHub's jobs API returns it; runner fields must be null while queued. */
    public record JobFixture(
            long id,
            long runId,
            String status,
            String conclusion,
            Instant createdAt,
            Instant startedAt,
            Instant completedAt,
            Long runnerId,
            String runnerName,
            List<String> labels) {

        public static JobFixture queued(long id, Instant createdAt, List<String> labels) {
            return new JobFixture(id, id * 10, "queued", null, createdAt, createdAt, null, null, null, labels);
        }

        public static JobFixture completed(long id, Instant createdAt, Instant completedAt, List<String> labels) {
            return new JobFixture(
                    id,
                    id * 10,
                    "completed",
                    "success",
                    createdAt,
                    createdAt.plusSeconds(5),
                    completedAt,
                    7L,
                    "pool-a-1",
                    labels);
        }

        public Map<String, Object> toJson(String owner, String repo) {
            String api = "https://api.github.com/repos/" + owner + "/" + repo;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("run_id", runId);
            m.put("run_url", api + "/actions/runs/" + runId);
            m.put("run_attempt", 1);
            m.put("node_id", "CR_kwDOA" + id);
            m.put("head_sha", "f83a356604ae3c5d03e1b46ef4d1ca77d64a90b0");
            m.put("url", api + "/actions/jobs/" + id);
            m.put("html_url", "https://github.com/" + owner + "/" + repo + "/actions/runs/" + runId + "/job/" + id);
            m.put("status", status);
            m.put("conclusion", conclusion);
            m.put("created_at", createdAt.toString());
            m.put("started_at", startedAt.toString());
            m.put("completed_at", completedAt == null ? null : completedAt.toString());
            m.put("name", "build");
            m.put("steps", List.of());
            m.put("check_run_url", api + "/check-runs/" + id);
            m.put("labels", labels);
            m.put("runner_id", runnerId);
            m.put("runner_name", runnerName);
            m.put("runner_group_id", runnerId == null ? null : 1);
            m.put("runner_group_name", runnerId == null ? null : "Default");
            m.put("workflow_name", "CI");
            m.put("head_branch", "main");
            return m;
        }
    }

    /** One attempt of a webhook delivery as {@code GET /app/hook/deliveries} lists it. */
    public record DeliveryFixture(
            long id,
            String guid,
            Instant deliveredAt,
            boolean redelivery,
            int statusCode,
            String event,
            String action) {

        /** @param ofAnOwnersHook organisation and repository hooks are not an installation's: no installation id */
        Map<String, Object> toJson(boolean ofAnOwnersHook) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("guid", guid);
            m.put("delivered_at", deliveredAt.toString());
            m.put("redelivery", redelivery);
            m.put("duration", 0.27);
            m.put("status", statusCode >= 200 && statusCode < 300 ? "OK" : "Invalid HTTP Response: " + statusCode);
            m.put("status_code", statusCode);
            m.put("event", event);
            m.put("action", action);
            m.put("installation_id", ofAnOwnersHook ? null : 42);
            m.put("repository_id", 1296269);
            m.put("throttled_at", null);
            return m;
        }
    }

    /** Validates every interaction as it completes; violations fail the running test in {@code afterEach}. */
    private final class Validator implements ServeEventListener {
        @Override
        public String getName() {
            return "github-openapi-validator";
        }

        @Override
        public void afterComplete(ServeEvent serveEvent, Parameters parameters) {
            validate(serveEvent);
        }
    }
}
