package dev.runnerscale.autoscaler.testsupport;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * GitHub's self-hosted runner endpoints with GitHub's state, as a WireMock response transformer: a JIT registration
 * of a new name adds an ephemeral runner (a name already registered is a 409), the runner list shows what is
 * registered with the busy flags the test sets, a removal answers 204, 422 for a busy runner and 404 for an unknown
 * one. Faults can be queued, one per request: 502, 429 with {@code Retry-After}, and a delay beyond the client's
 * read timeout (after the request took effect, as a real timeout leaves it). Every interaction still goes through
 * {@link GitHubWireMock}'s OpenAPI validation.
 */
public final class GitHubRunnerFake implements ResponseDefinitionTransformerV2 {

    public static final String NAME = "github-runner-fake";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public enum Fault {
        SERVER_ERROR,
        RATE_LIMITED,
        TIMEOUT
    }

    private record Runner(long id, String name, List<String> labels, boolean busy) {}

    private final Map<Long, Runner> runners = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();
    private final java.util.Set<String> busyOnRemoval = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong(1000);
    private final AtomicInteger registrations = new AtomicInteger();
    private final AtomicInteger removalsRefusedBusy = new AtomicInteger();
    private volatile int timeoutDelayMillis = 1500;

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    /** Forgets every runner, fault and count (a new test). */
    public synchronized void reset() {
        runners.clear();
        faults.clear();
        busyOnRemoval.clear();
        registrations.set(0);
        removalsRefusedBusy.set(0);
    }

    /** The next requests fail, one fault per request, in order. */
    public void failNext(Fault... next) {
        faults.addAll(List.of(next));
    }

    public void timeoutDelayMillis(int millis) {
        this.timeoutDelayMillis = millis;
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        Request request = event.getRequest();
        Fault fault = faults.poll();
        if (fault == Fault.SERVER_ERROR) {
            return GitHubWireMock.serverError(502).build();
        }
        if (fault == Fault.RATE_LIMITED) {
            return GitHubWireMock.tooManyRequests(1).build();
        }
        ResponseDefinitionBuilder answer = answer(request);
        if (fault == Fault.TIMEOUT) {
            answer = answer.withFixedDelay(timeoutDelayMillis);
        }
        return answer.build();
    }

    private synchronized ResponseDefinitionBuilder answer(Request request) {
        String path = request.getUrl().split("\\?")[0];
        String method = request.getMethod().getName();
        if (method.equals("POST") && path.endsWith("/actions/runners/generate-jitconfig")) {
            JsonNode body = JSON.readTree(request.getBodyAsString());
            String name = body.get("name").asString();
            List<String> labels = new ArrayList<>();
            body.get("labels").forEach(l -> labels.add(l.asString()));
            if (runner(name).isPresent()) {
                return GitHubWireMock.json(
                        409,
                        Map.of(
                                "message",
                                "Already exists - A runner with the name " + name + " already exists.",
                                "documentation_url",
                                GitHubWireMock.DOCS));
            }
            Runner runner = new Runner(ids.incrementAndGet(), name, labels, false);
            runners.put(runner.id(), runner);
            registrations.incrementAndGet();
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("runner", GitHubWireMock.runner(runner.id(), name, "offline", false, labels));
            answer.put("encoded_jit_config", "jit-" + name);
            return GitHubWireMock.json(201, answer);
        }
        if (method.equals("GET") && path.endsWith("/actions/runners")) {
            List<Object> listed = new ArrayList<>();
            runners.values().stream()
                    .sorted(java.util.Comparator.comparingLong(Runner::id))
                    .forEach(r -> listed.add(GitHubWireMock.runner(r.id(), r.name(), "online", r.busy(), r.labels())));
            return GitHubWireMock.json(200, Map.of("total_count", listed.size(), "runners", listed));
        }
        if (method.equals("DELETE") && path.contains("/actions/runners/")) {
            long id = Long.parseLong(path.substring(path.lastIndexOf('/') + 1));
            Runner runner = runners.get(id);
            if (runner == null) {
                return GitHubWireMock.notFound();
            }
            if (runner.busy() || busyOnRemoval.contains(runner.name())) {
                removalsRefusedBusy.incrementAndGet();
                return GitHubWireMock.json(
                        422,
                        Map.of(
                                "message",
                                "Bad request - Runner \"" + runner.name() + "\" is still running a job\"",
                                "documentation_url",
                                GitHubWireMock.DOCS + "/actions/self-hosted-runners"));
            }
            runners.remove(id);
            return ResponseDefinitionBuilder.responseDefinition().withStatus(204);
        }
        return GitHubWireMock.notFound();
    }

    // ---------------------------------------------------------------- GitHub's side, driven by the test

    /** GitHub assigns a job to the runner: it is busy. Returns its id. */
    public synchronized long assign(String runnerName) {
        Runner runner = find(runnerName).orElseThrow();
        runners.put(runner.id(), new Runner(runner.id(), runner.name(), runner.labels(), true));
        return runner.id();
    }

    /** The ephemeral runner ran its job: GitHub removes it. */
    public synchronized void finish(String runnerName) {
        find(runnerName).ifPresent(r -> runners.remove(r.id()));
    }

    /** GitHub assigns the runner a job at the moment we remove it: the removal is refused (422). */
    public void busyOnRemoval(String runnerName) {
        busyOnRemoval.add(runnerName);
    }

    /** The id of the registered runner of that name. */
    public Optional<Long> runner(String name) {
        return find(name).map(Runner::id);
    }

    private Optional<Runner> find(String name) {
        return runners.values().stream().filter(r -> r.name().equals(name)).findFirst();
    }

    public List<String> runnerNames() {
        return runners.values().stream().map(Runner::name).sorted().toList();
    }

    /** Queued faults not yet served. */
    public int pendingFaults() {
        return faults.size();
    }

    public int registrations() {
        return registrations.get();
    }

    public int removalsRefusedBusy() {
        return removalsRefusedBusy.get();
    }
}
