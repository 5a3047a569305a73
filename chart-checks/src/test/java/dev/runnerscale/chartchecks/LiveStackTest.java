package dev.runnerscale.chartchecks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.autoscaler.pools.PoolsProperties.GitHubScope;
import dev.runnerscale.autoscaler.runners.RunnerEvents;
import dev.runnerscale.autoscaler.runners.RunnerPodFactory;
import dev.runnerscale.autoscaler.testsupport.GitHubRunnerFake;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock;
import dev.runnerscale.autoscaler.testsupport.Kubelet;
import dev.runnerscale.autoscaler.testsupport.LocalCluster;
import dev.runnerscale.autoscaler.testsupport.Payloads;
import dev.runnerscale.autoscaler.testsupport.WebhookClient;
import dev.runnerscale.chartchecks.support.AlertRules;
import dev.runnerscale.chartchecks.support.AlertRules.Rule;
import dev.runnerscale.chartchecks.support.ApiRequest;
import dev.runnerscale.chartchecks.support.Charts;
import dev.runnerscale.chartchecks.support.Dashboards;
import dev.runnerscale.chartchecks.support.Dashboards.Query;
import dev.runnerscale.chartchecks.support.PromQl;
import dev.runnerscale.chartchecks.support.Prometheus;
import dev.runnerscale.chartchecks.support.Rbac;
import dev.runnerscale.chartchecks.support.RecordingKubernetes;
import dev.runnerscale.chartchecks.support.ServiceProcess;
import dev.runnerscale.chartchecks.support.Tools;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Both services on their local defaults, each a process of its own, with real traffic; a real Prometheus scraping
 * their management ports; every dashboard query and every alert expression through Prometheus's HTTP API.
 *
 * <p>The autoscaler runs against a Kubernetes API server in this JVM that records every request (instead of its
 * in-process one), leader election on, and a fake GitHub (the autoscaler's own {@link GitHubWireMock}, validated
 * against GitHub's OpenAPI description) so that it registers runners for real: the recorded requests are then held
 * against the chart's RBAC, both ways. One start of everything serves all checks (the methods run in order; the last
 * stops the autoscaler to see it hand its Lease back).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveStackTest {

    /**
     * Metrics of contracts.md marked "New" that no service exports yet (the fleet, cost and queue-time streams are
     * adding them). A panel reading one of them is only parse-checked; every other panel must return data. Remove a
     * name when it lands: this test fails for a listed name that Prometheus has scraped.
     */
    static final Set<String> NOT_YET_EXPORTED = Set.of();

    /**
     * RBAC the chart grants that this run cannot exercise: {@code list events} in namespace {@code default}, where
     * Karpenter writes its NodeClaims' {@code InsufficientCapacityError} Events — read only after a pool's waiting pod
     * got Karpenter's {@code Nominated} Event, and there is no Karpenter here ({@code KarpenterEventsTest} drives that
     * read). The node grants are used now (the node informer). This test fails for a listed cluster-wide grant that
     * is used.
     */
    static final Set<String> GRANTED_AHEAD_OF_THE_CODE = Set.of("list events");

    static final String WEBHOOK_SECRET = "chart-checks-webhook-secret";
    static final String TEST_CLIENT = "runnerscale-chart-checks";
    static final String RUNNER_NAMESPACE = "runnerscale-runners";
    static final GitHubScope ORGANISATION = GitHubScope.of("example-org", "", 1);
    static final JsonMapper JSON = JsonMapper.builder().build();

    Path work;

    RecordingKubernetes kubernetes;
    KubernetesClient testClient;
    Kubelet kubelet;
    GitHubWireMock github;
    GitHubRunnerFake githubRunners;
    ServiceProcess autoscaler;
    ServiceProcess taskApi;
    Prometheus prometheus;
    int autoscalerPort;
    int taskApiPort;
    final List<String> lifecycle = new ArrayList<>();

    @BeforeAll
    void startEverythingAndDriveTraffic() throws Exception {
        // under target/, not a temporary directory: the services' and Prometheus's logs stay for a failed build
        work = Path.of("target", "live-stack").toAbsolutePath();
        org.springframework.util.FileSystemUtils.deleteRecursively(work);
        java.nio.file.Files.createDirectories(work);
        Path prometheusBinary = Tools.require("prometheus");
        github = new GitHubWireMock().start(); // skips (or fails in CI) without ../shared
        githubRunners = github.stubStatefulRunners(ORGANISATION);
        github.stubRateLimit(4321, Instant.now().plus(1, ChronoUnit.HOURS));

        kubernetes = new RecordingKubernetes();
        testClient = kubernetes.client(TEST_CLIENT);
        // the local default's nodes, labelled as EKS labels them: runner pods are scheduled onto them and priced
        LocalCluster.addNodes(testClient);
        kubelet = new Kubelet(testClient, RUNNER_NAMESPACE).schedules(true);

        autoscalerPort = ServiceProcess.freePort();
        int autoscalerManagement = ServiceProcess.freePort();
        taskApiPort = ServiceProcess.freePort();
        int taskApiManagement = ServiceProcess.freePort();
        String bootstrapToken = randomToken();

        Path autoscalerDir = java.nio.file.Files.createDirectories(work.resolve("autoscaler"));
        autoscaler = ServiceProcess.start(
                "autoscaler",
                "dev.runnerscale.autoscaler.TestAutoscalerApplication",
                // an explicit API server: the local default then uses it (leader election on) instead of its own
                List.of("-Drunnerscale.kubernetes.master-url=" + kubernetes.url()),
                List.of(
                        "--server.port=" + autoscalerPort,
                        "--management.server.port=" + autoscalerManagement,
                        "--runnerscale.github.token=ghp_chart_checks_fake_token",
                        // with GitHub credentials the local profile refuses its shipped development values
                        // (LocalDefaultGuard): a webhook secret and the public-repository choice of our own
                        "--runnerscale.webhook.secrets=" + WEBHOOK_SECRET,
                        "--runnerscale.webhook.allow-public-repositories=false",
                        "--runnerscale.github.api-url=" + github.baseUrl(),
                        "--logging.level.dev.runnerscale=DEBUG"),
                Map.of("KUBECONFIG", autoscalerDir.resolve("no-kubeconfig").toString()),
                autoscalerDir);
        taskApi = ServiceProcess.start(
                "task-api",
                "dev.runnerscale.taskapi.TestTaskApiApplication",
                List.of(),
                List.of("--server.port=" + taskApiPort, "--management.server.port=" + taskApiManagement),
                Map.of("TASKAPI_BOOTSTRAP_TOKEN", bootstrapToken),
                java.nio.file.Files.createDirectories(work.resolve("task-api")));
        Path prometheusDir = java.nio.file.Files.createDirectories(work.resolve("prometheus"));
        prometheus = Prometheus.start(
                prometheusBinary,
                prometheusDir,
                new LinkedHashMap<>(Map.of("autoscaler", autoscalerManagement, "task-api", taskApiManagement)));

        autoscaler.awaitReady(autoscalerManagement, Duration.ofMinutes(3));
        taskApi.awaitReady(taskApiManagement, Duration.ofMinutes(3));

        driveTheAutoscaler();
        driveTheTaskApi(bootstrapToken);

        // every target scraped, and scraped again after the traffic, so that rates have two samples
        Awaitility.await("Prometheus scraped both services after the traffic")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> prometheus.unhealthyTargets().isEmpty()
                        && prometheus.query("gha_completed_jobs_total").series() > 0
                        && prometheus
                                        .query(
                                                "http_server_requests_seconds_count{application=\"task-api\",uri=\"/tasks\"}")
                                        .series()
                                > 0);
        Instant scraped = Instant.now();
        Awaitility.await()
                .pollDelay(Duration.ofSeconds(3))
                .until(() -> Instant.now().isAfter(scraped.plusSeconds(3)));
    }

    /**
     * A runner's whole life through the real application: jobs queued (pods created, registered with GitHub, their
     * JIT Secrets written, Events), a runner taking a job (annotated do-not-disrupt), finishing it (pod and Secret
     * deleted), a runner pod failing (replaced), plus the intake's other outcomes.
     */
    private void driveTheAutoscaler() {
        WebhookClient webhooks = new WebhookClient(autoscalerPort, WEBHOOK_SECRET);
        assertThat(webhooks.deliver(
                                "ping",
                                "{\"zen\":\"Design for failure.\",\"hook_id\":1}".getBytes(StandardCharsets.UTF_8))
                        .statusCode())
                .isEqualTo(200);
        byte[] spotJob =
                Payloads.job(101).repository("example-org", "web", true).bytes();
        String delivery = java.util.UUID.randomUUID().toString();
        assertThat(webhooks.deliver("workflow_job", delivery, spotJob).statusCode())
                .isEqualTo(202);
        assertThat(webhooks.deliver("workflow_job", delivery, spotJob).body()).contains("duplicate");
        assertThat(webhooks.deliver(
                                "workflow_job",
                                Payloads.job(102)
                                        .repository("example-org", "web", true)
                                        .labels("self-hosted", "linux", "x64", "large")
                                        .bytes())
                        .statusCode())
                .isEqualTo(202);
        assertThat(webhooks.deliver(
                                "workflow_job",
                                Payloads.job(103)
                                        .repository("example-org", "web", true)
                                        .labels("self-hosted", "windows")
                                        .bytes())
                        .body())
                .contains("unmatched");
        assertThat(new WebhookClient(autoscalerPort, "not-the-secret")
                        .deliver(
                                "workflow_job",
                                Payloads.job(104)
                                        .repository("example-org", "web", true)
                                        .bytes())
                        .statusCode())
                .isEqualTo(401);

        Pod spot = awaitRegisteredRunningPod("linux-x64-spot", null);
        Pod large = awaitRegisteredRunningPod("linux-x64-large", null);
        String spotPod = spot.getMetadata().getName();
        lifecycle.add("pods created, registered and running");

        String runner = spot.getMetadata().getAnnotations().get(RunnerPodFactory.RUNNER_NAME_ANNOTATION);
        githubRunners.assign(runner);
        Awaitility.await("the busy runner's pod is protected from consolidation")
                .atMost(Duration.ofSeconds(60))
                .until(() -> "true".equals(annotation(spotPod, RunnerPodFactory.DO_NOT_DISRUPT_ANNOTATION)));
        lifecycle.add("busy runner annotated");

        ObjectNode inProgress = Payloads.job(101)
                .repository("example-org", "web", true)
                .action("in_progress")
                .node();
        ((ObjectNode) inProgress.get("workflow_job")).put("runner_name", runner);
        assertThat(webhooks.deliver("workflow_job", JSON.writeValueAsBytes(inProgress))
                        .statusCode())
                .isEqualTo(202);
        ObjectNode completed = Payloads.job(101)
                .repository("example-org", "web", true)
                .action("completed")
                .node();
        ((ObjectNode) completed.get("workflow_job")).put("runner_name", runner);
        assertThat(webhooks.deliver("workflow_job", JSON.writeValueAsBytes(completed))
                        .statusCode())
                .isEqualTo(202);
        githubRunners.finish(runner);
        kubelet.succeed(spotPod);
        Awaitility.await("the finished runner's pod and Secret are deleted")
                .atMost(Duration.ofSeconds(60))
                .until(() -> pod(spotPod).isEmpty()
                        && testClient
                                        .secrets()
                                        .inNamespace(RUNNER_NAMESPACE)
                                        .withName(RunnerPodFactory.secretName(spotPod))
                                        .get()
                                == null);
        lifecycle.add("finished runner deleted");

        kubelet.fail(large.getMetadata().getName());
        Pod current =
                awaitRegisteredRunningPod("linux-x64-large", large.getMetadata().getUid());
        lifecycle.add("failed runner replaced");

        // RunnerEvents raises the count of a repeated Event instead of writing a new one; the lifecycle above never
        // repeats a reason on one pod within the window, so that path is driven here, by the class itself, with the
        // client the application would use (a plain fabric8 client, recorded as the application's).
        try (KubernetesClient applicationLike = kubernetes.client("runnerscale-autoscaler-events");
                RunnerEvents events = new RunnerEvents(applicationLike, Clock.systemUTC(), Duration.ofMinutes(10))) {
            events.record(current, RunnerEvents.NORMAL, "ScaleDownRefused", "GitHub reports the runner busy");
            events.record(current, RunnerEvents.NORMAL, "ScaleDownRefused", "GitHub reports the runner busy");
            Awaitility.await("a repeated Event counted twice")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> testClient.v1().events().inNamespace(RUNNER_NAMESPACE).list().getItems().stream()
                            .anyMatch(e -> "ScaleDownRefused".equals(e.getReason())
                                    && Integer.valueOf(2).equals(e.getCount())));
        }
        List<Event> scaleUps = testClient.v1().events().inNamespace(RUNNER_NAMESPACE).list().getItems().stream()
                .filter(e -> "ScaleUp".equals(e.getReason()))
                .toList();
        assertThat(scaleUps).isNotEmpty();
        lifecycle.add("events written");
    }

    /** A runner pod of the pool (any slot), other than the one with {@code notUid}, registered and running. */
    private Pod awaitRegisteredRunningPod(String pool, String notUid) {
        try {
            return Awaitility.await("a runner of " + pool + " registered and running")
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200))
                    .until(
                            () -> testClient
                                    .pods()
                                    .inNamespace(RUNNER_NAMESPACE)
                                    .withLabel(RunnerPodFactory.POOL_LABEL, pool)
                                    .list()
                                    .getItems()
                                    .stream()
                                    .filter(p -> !p.getMetadata().getUid().equals(notUid))
                                    .findFirst()
                                    .orElse(null),
                            p -> p != null
                                    && p.getMetadata()
                                            .getAnnotations()
                                            .containsKey(RunnerPodFactory.RUNNER_ID_ANNOTATION)
                                    && p.getStatus() != null
                                    && "Running".equals(p.getStatus().getPhase()));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            String pods = testClient.pods().inNamespace(RUNNER_NAMESPACE).list().getItems().stream()
                    .map(p -> p.getMetadata().getName() + " uid="
                            + p.getMetadata().getUid() + " phase="
                            + (p.getStatus() == null ? null : p.getStatus().getPhase()) + " "
                            + p.getMetadata().getAnnotations())
                    .collect(Collectors.joining("\n  "));
            throw new AssertionError(
                    e.getMessage() + "\npods:\n  " + pods + "\nautoscaler:\n" + autoscaler.logTail(), e);
        }
    }

    private Optional<Pod> pod(String name) {
        return Optional.ofNullable(
                testClient.pods().inNamespace(RUNNER_NAMESPACE).withName(name).get());
    }

    private String annotation(String pod, String key) {
        return pod(pod).map(p -> p.getMetadata().getAnnotations().get(key)).orElse(null);
    }

    private void driveTheTaskApi(String bootstrapToken) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI base = URI.create("http://127.0.0.1:" + taskApiPort);
        HttpResponse<String> minted = http.send(
                HttpRequest.newBuilder(base.resolve("/admin/tokens"))
                        .header("Authorization", "Bearer " + bootstrapToken)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"owner\":\"ci\",\"scopes\":[\"tasks:read\",\"tasks:write\"]}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(minted.statusCode()).as(minted.body()).isEqualTo(201);
        String token = JSON.readTree(minted.body()).path("token").asString();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> created = http.send(
                    HttpRequest.newBuilder(base.resolve("/tasks"))
                            .header("Authorization", "Bearer " + token)
                            .header("Content-Type", "application/json")
                            .header(
                                    "X-Client-Timestamp",
                                    Instant.now().truncatedTo(ChronoUnit.MILLIS).toString())
                            .POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"Task " + i + "\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String id = JSON.readTree(created.body()).path("id").asString();
            assertThat(http.send(
                                    HttpRequest.newBuilder(base.resolve("/tasks/" + id))
                                            .header("Authorization", "Bearer " + token)
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode())
                    .isEqualTo(200);
        }
        assertThat(http.send(
                                HttpRequest.newBuilder(base.resolve("/tasks?limit=10"))
                                        .header("Authorization", "Bearer " + token)
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode())
                .isEqualTo(200);
        // client errors: no timestamp (400), no token (401)
        assertThat(http.send(
                                HttpRequest.newBuilder(base.resolve("/tasks"))
                                        .header("Authorization", "Bearer " + token)
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"late\"}"))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode())
                .isEqualTo(400);
        assertThat(http.send(
                                HttpRequest.newBuilder(base.resolve("/tasks")).build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    @Order(1)
    void everyDashboardQueryParsesAndReturnsDataUnlessItsMetricIsNotExportedYet() {
        List<String> problems = new ArrayList<>();
        int withData = 0;
        for (Query query : Dashboards.queries()) {
            String expr = PromQl.withGrafanaVariables(query.expr());
            Prometheus.Result result = prometheus.query(expr);
            if (!result.success()) {
                problems.add(query + " does not parse: " + result.error() + "\n    " + expr);
            } else if (notYetExported(expr).isEmpty()) {
                if (result.series() == 0) {
                    problems.add(query + " returns no series:\n    " + expr);
                } else {
                    withData++;
                }
            }
        }
        assertThat(problems).as(String.join("\n", problems)).isEmpty();
        assertThat(withData).as("panels that returned data").isGreaterThan(15);
    }

    @Test
    @Order(2)
    void everyAlertExpressionParses() {
        List<String> problems = new ArrayList<>();
        for (String chart : List.of("autoscaler", "task-api")) {
            for (Rule rule : AlertRules.rules(chart)) {
                Prometheus.Result result = prometheus.query(rule.expr());
                if (!result.success()) {
                    problems.add(rule.alert() + ": " + result.error());
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    @Order(3)
    void everyMetricTheDashboardsAndAlertsReadIsExportedOrListedAsNotYetExported() {
        Set<String> scraped = prometheus.metricNames();
        Set<String> used = new TreeSet<>();
        Dashboards.queries().forEach(q -> used.addAll(PromQl.metricNames(PromQl.withGrafanaVariables(q.expr()))));
        for (String chart : List.of("autoscaler", "task-api")) {
            AlertRules.rules(chart).forEach(r -> used.addAll(PromQl.metricNames(r.expr())));
        }
        assertThat(used)
                .as("metric names found in the queries")
                .contains("gha_desired_runners", "runnerscale_cost_usd_total");
        Set<String> unknown = used.stream()
                .filter(name -> !scraped.contains(name) && notYetExported(name).isEmpty())
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(unknown)
                .as("names neither scraped nor listed as not yet exported (a typo?)")
                .isEmpty();
        Set<String> landed = NOT_YET_EXPORTED.stream()
                .filter(name -> scraped.stream().anyMatch(s -> sameMetric(s, name)))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(landed).as("exported now: remove them from NOT_YET_EXPORTED").isEmpty();
        assertThat(NOT_YET_EXPORTED)
                .as("every not-yet-exported name is used by a panel or an alert")
                .allMatch(name -> used.stream().anyMatch(u -> sameMetric(u, name)));
    }

    @Test
    @Order(4)
    void theAutoscalerUsesExactlyTheKubernetesAccessTheChartGrants() {
        // SIGTERM as Kubernetes sends it: graceful shutdown, and the leader hands its Lease back
        assertThat(autoscaler.stop(Duration.ofSeconds(60)))
                .as(autoscaler.logTail())
                .isIn(0, 143);
        assertThat(lifecycle).hasSize(5);

        Rbac rbac = Rbac.of(
                Charts.render("autoscaler", Charts.Values.DEFAULT),
                "runnerscale-runnerscale-autoscaler",
                Charts.NAMESPACE);
        Set<ApiRequest> requests = new LinkedHashSet<>();
        for (RecordingKubernetes.Request request : kubernetes.requests()) {
            if (!TEST_CLIENT.equals(request.userAgent())) {
                ApiRequest.parse(request.method(), request.path()).ifPresent(requests::add);
            }
        }
        assertThat(requests).isNotEmpty();
        List<String> denied = requests.stream()
                .filter(r -> !rbac.allows(r))
                .map(ApiRequest::toString)
                .distinct()
                .toList();
        assertThat(denied).as("requests the chart's RBAC would refuse").isEmpty();

        List<String> unused = rbac.grants().stream()
                .filter(grant -> requests.stream().noneMatch(r -> grantAllowsOnly(grant, r)))
                .map(g -> g.verb() + " " + (g.group().isEmpty() ? "" : g.group() + "/") + g.resource()
                        + (g.namespace() == null ? " (cluster-wide)" : ""))
                .filter(g -> !GRANTED_AHEAD_OF_THE_CODE.contains(g))
                .distinct()
                .toList();
        assertThat(unused).as("granted but never used by the autoscaler").isEmpty();
        List<String> landed = GRANTED_AHEAD_OF_THE_CODE.stream()
                .filter(g ->
                        requests.stream().anyMatch(r -> (r.verb() + " " + r.resource() + " (cluster-wide)").equals(g)))
                .toList();
        assertThat(landed)
                .as("used now: remove them from GRANTED_AHEAD_OF_THE_CODE")
                .isEmpty();
    }

    @Test
    @Order(5)
    void theFakeGitHubSawOnlyRequestsGitHubsDescriptionAllows() {
        assertThat(github.drainViolations()).isEmpty();
        assertThat(githubRunners.registrations()).isGreaterThanOrEqualTo(3);
    }

    private static boolean grantAllowsOnly(Rbac.Grant grant, ApiRequest request) {
        return grant.verb().equals(request.verb())
                && grant.resource().equals(request.resource())
                && grant.group().equals(request.group())
                && (grant.namespace() == null || grant.namespace().equals(request.namespace()))
                && (grant.resourceNames().isEmpty()
                        || (request.name() != null && grant.resourceNames().contains(request.name())));
    }

    static Set<String> notYetExported(String expr) {
        return PromQl.metricNames(expr).stream()
                .filter(name -> NOT_YET_EXPORTED.stream().anyMatch(n -> sameMetric(name, n)))
                .collect(Collectors.toSet());
    }

    /** A histogram's or counter's series names belong to its base name. */
    static boolean sameMetric(String series, String base) {
        return series.equals(base)
                || List.of("_bucket", "_sum", "_count", "_total", "_created", "_max").stream()
                        .anyMatch(suffix -> series.equals(base + suffix));
    }

    private static String randomToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return "tapi_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (taskApi != null && taskApi.alive()) {
            taskApi.stop(Duration.ofSeconds(30));
        }
        for (AutoCloseable c : new AutoCloseable[] {prometheus, taskApi, autoscaler, kubelet, testClient, kubernetes}) {
            if (c != null) {
                c.close();
            }
        }
        if (github != null) {
            github.stop();
        }
    }
}
