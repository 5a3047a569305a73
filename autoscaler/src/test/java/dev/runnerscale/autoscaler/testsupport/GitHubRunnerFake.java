package dev.runnerscale.autoscaler.testsupport;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.runnerscale.autoscaler.pools.PoolsProperties.GitHubScope;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * GitHub with GitHub's state for any number of runner scopes at once, as a WireMock response transformer behind
 * {@link GitHubWireMock} (so every interaction is still validated against GitHub's OpenAPI description).
 *
 * <h2>Set-up</h2>
 *
 * <ul>
 *   <li>{@link GitHubWireMock#stubStatefulRunners(GitHubScope)} plays the runner endpoints of one scope (an
 *       organisation, {@code /orgs/{org}/actions/runners…}, or a repository, {@code /repos/{o}/{r}/actions/runners…})
 *       with its own runner list; call it once per scope. Requests to a scope not set up reach no stub (a test
 *       failure).
 *   <li>{@link GitHubWireMock#stubStatefulApp()} plays a GitHub App: installation lookups
 *       ({@code GET /orgs/{org}/installation}, {@code GET /repos/{o}/{r}/installation}, App JWT only) answer the
 *       installations declared with {@link #install(String, long, String...)} (404 elsewhere), and
 *       {@code POST /app/installations/{id}/access_tokens} mints tokens {@code ghs_<id>_<n>} valid one hour on
 *       {@link #clock(Clock) the fake's clock}. Runner calls with an installation token are refused as GitHub does:
 *       401 for an unknown, expired or revoked token, 403 "Resource not accessible by integration" for a scope of
 *       another owner, 404 for a repository outside the installation's selection.
 * </ul>
 *
 * <h2>Credentials and budgets</h2>
 *
 * Each request is counted against its credential, named as the autoscaler names it: {@code token} (any
 * {@code Authorization: token …}), {@code app} (a JWT), {@code installation/<id>} (its tokens). Every credential has
 * GitHub's primary budget (default {@value #DEFAULT_LIMIT} per hour on the fake's clock), reported in
 * {@code X-RateLimit-Limit/Remaining/Reset} (and a {@code Date} header on the same clock); at zero the credential is
 * answered 403 with {@code X-RateLimit-Remaining: 0} until the reset, like GitHub. {@link #exhaust} and
 * {@link #budget} set it; {@link #requestsWith(String)} counts.
 *
 * <h2>Runners</h2>
 *
 * A JIT registration of a new name adds an ephemeral runner to the scope (a name already registered in the scope is
 * a 409), shown {@code offline} in the registration answer and, in the list, {@code online} unless
 * {@link #newRunnersOnline(boolean)} is false (then until {@link #online(String)}); {@link #offline(String)} takes it
 * back offline. The list is paginated ({@code per_page}, {@code page}, {@code Link: rel="next"}). {@link #assign}
 * makes a runner busy, {@link #finish} removes it (the ephemeral runner ran its job). A removal answers 204, 422 for a
 * busy runner (or one marked {@link #busyOnRemoval}), 404 for an unknown one.
 *
 * <h2>Faults</h2>
 *
 * <ul>
 *   <li>{@link #failNext(Fault...)}: the next runner requests of any scope fail, one fault per request, in order
 *       (a timeout takes effect first, then answers late, as a real timeout leaves it);
 *   <li>{@link #failNext(GitHubScope, Operation, Fault...)}: the same for one scope's operation (null: any);
 *   <li>{@link #failAlways(GitHubScope, Operation, Fault)}: every such request fails until {@link #heal(GitHubScope)},
 *       e.g. a 422 on one scope's JIT configuration and a 403 on another's;
 *   <li>{@link #exhaust(String, Instant)}: one credential (e.g. one organisation's installation) is rate-limited.
 * </ul>
 *
 * <h2>Counting</h2>
 *
 * {@link #requests(GitHubScope, Operation)}, {@link #requests(Operation)}, {@link #requestsWith(String)} and
 * {@link #tokensMinted(long)} count what reached the fake (refused requests included), for budget assertions.
 * {@link #reset()} (called before every test by {@link GitHubWireMock}) forgets everything.
 */
public final class GitHubRunnerFake implements ResponseDefinitionTransformerV2 {

    public static final String NAME = "github-runner-fake";
    public static final long DEFAULT_LIMIT = 5000;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern RUNNERS =
            Pattern.compile("^(/orgs/[^/]+|/repos/[^/]+/[^/]+)/actions/runners(?:/(generate-jitconfig|[0-9]+))?$");
    private static final Pattern ORG_INSTALLATION = Pattern.compile("^/orgs/([^/]+)/installation$");
    private static final Pattern REPO_INSTALLATION = Pattern.compile("^/repos/([^/]+)/([^/]+)/installation$");
    private static final Pattern ACCESS_TOKENS = Pattern.compile("^/app/installations/([0-9]+)/access_tokens$");

    /** A fault one request meets. */
    public enum Fault {
        /** 502 with GitHub's error body. */
        SERVER_ERROR,
        /** A secondary rate limit: 429 with {@code Retry-After: 1}. */
        RATE_LIMITED,
        /** The request takes effect, then the answer comes after {@link #timeoutDelayMillis(int)}. */
        TIMEOUT,
        /** 401 Bad credentials. */
        BAD_CREDENTIALS,
        /** 403 that is not a rate limit: a missing permission. */
        FORBIDDEN,
        /** 404 Not Found. */
        NOT_FOUND,
        /** 422 Validation failed (e.g. an unknown runner group on a JIT configuration). */
        UNPROCESSABLE
    }

    /** The requests the fake plays, for counting and for targeted faults. */
    public enum Operation {
        JIT_CONFIG,
        LIST_RUNNERS,
        DELETE_RUNNER,
        GET_INSTALLATION,
        INSTALLATION_TOKEN
    }

    private record Runner(long id, String name, List<String> labels, boolean busy, boolean online) {
        Runner with(boolean newBusy, boolean newOnline) {
            return new Runner(id, name, labels, newBusy, newOnline);
        }
    }

    private record TargetedFault(Operation operation, Fault fault) {}

    private static final class Scope {
        final String owner;
        final String repository;
        final Map<Long, Runner> runners = new LinkedHashMap<>();
        final ConcurrentLinkedQueue<TargetedFault> faults = new ConcurrentLinkedQueue<>();
        final Map<Operation, Fault> sticky = new EnumMap<>(Operation.class);
        final Map<Operation, AtomicInteger> requests = new EnumMap<>(Operation.class);
        int registrations;

        Scope(String owner, String repository) {
            this.owner = owner;
            this.repository = repository;
        }
    }

    private record Installation(long id, String owner, Set<String> repositories) {
        boolean covers(String repository) {
            return repositories.isEmpty() || repositories.contains(repository.toLowerCase(Locale.ROOT));
        }
    }

    private record Token(long installationId, Instant expiresAt) {}

    private static final class Budget {
        long limit;
        long remaining;
        Instant resetAt;

        Budget(long limit, long remaining, Instant resetAt) {
            this.limit = limit;
            this.remaining = remaining;
            this.resetAt = resetAt;
        }
    }

    private final Map<String, Scope> scopes = new ConcurrentHashMap<>();
    private final Map<String, Installation> installations = new ConcurrentHashMap<>();
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final Map<Long, AtomicInteger> minted = new ConcurrentHashMap<>();
    private final Map<String, Budget> budgets = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> byCredential = new ConcurrentHashMap<>();
    private final Map<Operation, AtomicInteger> appRequests = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();
    private final Set<String> busyOnRemoval = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong(1000);
    private final AtomicInteger registrations = new AtomicInteger();
    private final AtomicInteger removalsRefusedBusy = new AtomicInteger();
    private volatile int timeoutDelayMillis = 1500;
    private volatile boolean newRunnersOnline = true;
    private volatile Clock clock = Clock.systemUTC();

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    /** Forgets every scope, runner, installation, token, budget, fault and count (a new test). */
    public synchronized void reset() {
        scopes.clear();
        installations.clear();
        tokens.clear();
        minted.clear();
        budgets.clear();
        byCredential.clear();
        appRequests.clear();
        faults.clear();
        busyOnRemoval.clear();
        registrations.set(0);
        removalsRefusedBusy.set(0);
        timeoutDelayMillis = 1500;
        newRunnersOnline = true;
        clock = Clock.systemUTC();
    }

    /** Declares a runner scope (done by {@link GitHubWireMock#stubStatefulRunners(GitHubScope)}). */
    synchronized void addScope(GitHubScope scope) {
        scopes.computeIfAbsent(key(scope), k -> new Scope(scope.owner(), scope.repository()));
    }

    // ---------------------------------------------------------------- the world, set by the test

    /** The fake's time: token expiry, budget windows and the {@code Date} header (default: the system clock). */
    public void clock(Clock newClock) {
        this.clock = newClock;
    }

    public void timeoutDelayMillis(int millis) {
        this.timeoutDelayMillis = millis;
    }

    /** Whether newly registered runners are listed {@code online} at once (default) or stay offline until told. */
    public void newRunnersOnline(boolean online) {
        this.newRunnersOnline = online;
    }

    /**
     * The App is installed on {@code owner} as {@code installationId}; on every repository of the owner, or only on
     * {@code repositories} when some are named.
     */
    public void install(String owner, long installationId, String... repositories) {
        Set<String> selected = new java.util.HashSet<>();
        for (String r : repositories) {
            selected.add(r.toLowerCase(Locale.ROOT));
        }
        installations.put(
                owner.toLowerCase(Locale.ROOT), new Installation(installationId, owner, Set.copyOf(selected)));
    }

    /** The App is uninstalled from {@code owner}: lookups and mints answer 404, its tokens 401. */
    public void uninstall(String owner) {
        Installation gone = installations.remove(owner.toLowerCase(Locale.ROOT));
        if (gone != null) {
            revokeTokens(gone.id());
        }
    }

    /** GitHub revokes every token of the installation (they answer 401 from now on). */
    public void revokeTokens(long installationId) {
        tokens.values().removeIf(t -> t.installationId() == installationId);
    }

    /** Sets a credential's budget ({@code token}, {@code app}, {@code installation/<id>}). */
    public synchronized void budget(String credential, long limit, long remaining, Instant resetAt) {
        budgets.put(credential, new Budget(limit, remaining, resetAt));
    }

    /** The credential's primary limit is used up until {@code resetAt}: every request of it is answered 403. */
    public synchronized void exhaust(String credential, Instant resetAt) {
        Budget b = budgetOf(credential);
        b.remaining = 0;
        b.resetAt = resetAt;
    }

    /** The next runner requests of any scope fail, one fault per request, in order. */
    public void failNext(Fault... next) {
        faults.addAll(List.of(next));
    }

    /** The next requests of {@code operation} (null: any runner operation) of one scope fail, one per request. */
    public void failNext(GitHubScope scope, Operation operation, Fault... next) {
        Scope s = scope(scope);
        for (Fault f : next) {
            s.faults.add(new TargetedFault(operation, f));
        }
    }

    /** Every request of {@code operation} of the scope fails with {@code fault} until {@link #heal(GitHubScope)}. */
    public synchronized void failAlways(GitHubScope scope, Operation operation, Fault fault) {
        scope(scope).sticky.put(operation, fault);
    }

    /** Ends the scope's sticky and queued faults. */
    public synchronized void heal(GitHubScope scope) {
        Scope s = scope(scope);
        s.sticky.clear();
        s.faults.clear();
    }

    /**
     * A runner GitHub already holds in the scope (registered before the test, by another controller, or by hand);
     * listed online or offline as given. Returns its id.
     */
    public synchronized long register(GitHubScope scope, String name, List<String> labels, boolean online) {
        Runner runner = new Runner(ids.incrementAndGet(), name, List.copyOf(labels), false, online);
        scope(scope).runners.put(runner.id(), runner);
        return runner.id();
    }

    /** GitHub assigns a job to the runner: it is busy (and online). Returns its id. */
    public synchronized long assign(String runnerName) {
        Located r = locate(runnerName).orElseThrow();
        r.scope().runners.put(r.runner().id(), r.runner().with(true, true));
        return r.runner().id();
    }

    /** The ephemeral runner ran its job: GitHub removes it. */
    public synchronized void finish(String runnerName) {
        locate(runnerName).ifPresent(r -> r.scope().runners.remove(r.runner().id()));
    }

    /** The runner connected to GitHub: listed {@code online}. */
    public synchronized void online(String runnerName) {
        Located r = locate(runnerName).orElseThrow();
        r.scope().runners.put(r.runner().id(), r.runner().with(r.runner().busy(), true));
    }

    /** The runner lost its connection (or never made one): listed {@code offline}. */
    public synchronized void offline(String runnerName) {
        Located r = locate(runnerName).orElseThrow();
        r.scope().runners.put(r.runner().id(), r.runner().with(r.runner().busy(), false));
    }

    /** GitHub assigns the runner a job at the moment we remove it: the removal is refused (422). */
    public void busyOnRemoval(String runnerName) {
        busyOnRemoval.add(runnerName);
    }

    // ---------------------------------------------------------------- what GitHub holds, read by the test

    /** The id of the registered runner of that name, in any scope. */
    public synchronized Optional<Long> runner(String name) {
        return locate(name).map(r -> r.runner().id());
    }

    /** Every registered runner's name, in every scope, sorted. */
    public synchronized List<String> runnerNames() {
        return scopes.values().stream()
                .flatMap(s -> s.runners.values().stream())
                .map(Runner::name)
                .sorted()
                .toList();
    }

    /** The scope's registered runners' names, sorted. */
    public synchronized List<String> runnerNames(GitHubScope scope) {
        return scope(scope).runners.values().stream().map(Runner::name).sorted().toList();
    }

    /** Whether the runner is listed online. */
    public synchronized boolean isOnline(String name) {
        return locate(name).orElseThrow().runner().online();
    }

    /** Queued faults not yet served (of any scope). */
    public int pendingFaults() {
        return faults.size()
                + scopes.values().stream().mapToInt(s -> s.faults.size()).sum();
    }

    /** Successful JIT registrations, every scope. */
    public int registrations() {
        return registrations.get();
    }

    public synchronized int registrations(GitHubScope scope) {
        return scope(scope).registrations;
    }

    public int removalsRefusedBusy() {
        return removalsRefusedBusy.get();
    }

    /** Requests of the scope's {@code operation} that reached the fake, answered or refused. */
    public synchronized int requests(GitHubScope scope, Operation operation) {
        return scope(scope)
                .requests
                .getOrDefault(operation, new AtomicInteger())
                .get();
    }

    /** Requests of {@code operation} that reached the fake, every scope (installation calls have none). */
    public synchronized int requests(Operation operation) {
        int inScopes = scopes.values().stream()
                .mapToInt(s ->
                        s.requests.getOrDefault(operation, new AtomicInteger()).get())
                .sum();
        return inScopes
                + appRequests.getOrDefault(operation, new AtomicInteger()).get();
    }

    /** Requests sent with the credential ({@code token}, {@code app}, {@code installation/<id>}). */
    public int requestsWith(String credential) {
        return byCredential.getOrDefault(credential, new AtomicInteger()).get();
    }

    /** Installation tokens minted for the installation. */
    public int tokensMinted(long installationId) {
        return minted.getOrDefault(installationId, new AtomicInteger()).get();
    }

    /** The credential's remaining budget as the fake counts it. */
    public synchronized long remaining(String credential) {
        return budgetOf(credential).remaining;
    }

    // ---------------------------------------------------------------- answering

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        Request request = event.getRequest();
        String path = URI.create(request.getUrl()).getRawPath();
        String method = request.getMethod().getName();
        Instant now = clock.instant();
        Matcher runners = RUNNERS.matcher(path);
        Fault fault = null;
        ResponseDefinitionBuilder answer;
        String credential;
        synchronized (this) {
            credential = credentialOf(request.getHeader("Authorization"));
            byCredential.computeIfAbsent(credential, c -> new AtomicInteger()).incrementAndGet();
            if (runners.matches()) {
                Scope scope = scopes.get(runners.group(1).toLowerCase(Locale.ROOT));
                Operation op = runnerOperation(method, runners.group(2));
                if (scope == null || op == null) {
                    return finish(error(404, "Not Found"), credential, now).build();
                }
                scope.requests.computeIfAbsent(op, o -> new AtomicInteger()).incrementAndGet();
                Optional<ResponseDefinitionBuilder> refused = refuse(credential, now, scope);
                if (refused.isPresent()) {
                    return finish(refused.get(), credential, now).build();
                }
                fault = nextFault(scope, op);
                if (fault != null && fault != Fault.TIMEOUT) {
                    return finish(faultAnswer(fault), credential, now).build();
                }
                answer = runnerAnswer(scope, op, method, runners.group(2), request);
            } else {
                Operation op =
                        path.endsWith("/access_tokens") ? Operation.INSTALLATION_TOKEN : Operation.GET_INSTALLATION;
                appRequests.computeIfAbsent(op, o -> new AtomicInteger()).incrementAndGet();
                Optional<ResponseDefinitionBuilder> refused = refuse(credential, now, null);
                if (refused.isPresent()) {
                    return finish(refused.get(), credential, now).build();
                }
                answer = appAnswer(path, credential, now);
            }
            answer = finish(answer, credential, now);
        }
        if (fault == Fault.TIMEOUT) {
            answer = answer.withFixedDelay(timeoutDelayMillis);
        }
        return answer.build();
    }

    private static Operation runnerOperation(String method, String tail) {
        if (tail == null) {
            return method.equals("GET") ? Operation.LIST_RUNNERS : null;
        }
        if (tail.equals("generate-jitconfig")) {
            return method.equals("POST") ? Operation.JIT_CONFIG : null;
        }
        return method.equals("DELETE") ? Operation.DELETE_RUNNER : null;
    }

    private Fault nextFault(Scope scope, Operation op) {
        Fault global = faults.poll();
        if (global != null) {
            return global;
        }
        for (TargetedFault t : scope.faults) {
            if (t.operation() == null || t.operation() == op) {
                scope.faults.remove(t);
                return t.fault();
            }
        }
        return scope.sticky.get(op);
    }

    /** GitHub's refusals before any work: a bad token, a used-up budget, a scope the installation cannot reach. */
    private Optional<ResponseDefinitionBuilder> refuse(String credential, Instant now, Scope scope) {
        if (credential.equals("invalid")) {
            return Optional.of(error(401, "Bad credentials"));
        }
        Budget budget = budgetOf(credential);
        if (!now.isBefore(budget.resetAt)) {
            budget.remaining = budget.limit;
            budget.resetAt = now.plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        }
        if (budget.remaining <= 0) {
            return Optional.of(error(
                    403,
                    "API rate limit exceeded for " + credential + ".",
                    GitHubWireMock.DOCS + "/overview/rate-limits-for-the-rest-api"));
        }
        budget.remaining--;
        if (scope != null && credential.equals("app")) {
            // The App's JWT reaches only the App's own endpoints.
            return Optional.of(error(403, "Resource not accessible by integration"));
        }
        if (scope != null && credential.startsWith("installation/")) {
            long id = Long.parseLong(credential.substring("installation/".length()));
            Installation inst = installations.values().stream()
                    .filter(i -> i.id() == id)
                    .findFirst()
                    .orElse(null);
            if (inst == null || !inst.owner().equalsIgnoreCase(scope.owner)) {
                return Optional.of(error(403, "Resource not accessible by integration"));
            }
            if (!scope.repository.isBlank() && !inst.covers(scope.repository)) {
                return Optional.of(error(404, "Not Found"));
            }
        }
        return Optional.empty();
    }

    private ResponseDefinitionBuilder runnerAnswer(
            Scope scope, Operation op, String method, String tail, Request request) {
        switch (op) {
            case JIT_CONFIG -> {
                JsonNode body = JSON.readTree(request.getBodyAsString());
                String name = body.get("name").asString();
                List<String> labels = new ArrayList<>();
                body.get("labels").forEach(l -> labels.add(l.asString()));
                if (scope.runners.values().stream().anyMatch(r -> r.name().equals(name))) {
                    return error(409, "Already exists - A runner with the name " + name + " already exists.");
                }
                Runner runner = new Runner(ids.incrementAndGet(), name, labels, false, newRunnersOnline);
                scope.runners.put(runner.id(), runner);
                scope.registrations++;
                registrations.incrementAndGet();
                Map<String, Object> answer = new LinkedHashMap<>();
                answer.put("runner", GitHubWireMock.runner(runner.id(), name, "offline", false, labels));
                answer.put("encoded_jit_config", "jit-" + name);
                return json(201, answer);
            }
            case LIST_RUNNERS -> {
                Map<String, String> query = query(request.getUrl());
                int perPage = Math.max(1, Math.min(100, intOr(query.get("per_page"), 30)));
                int page = Math.max(1, intOr(query.get("page"), 1));
                List<Runner> all = scope.runners.values().stream()
                        .sorted(Comparator.comparingLong(Runner::id))
                        .toList();
                List<Object> listed = new ArrayList<>();
                all.stream()
                        .skip((long) (page - 1) * perPage)
                        .limit(perPage)
                        .forEach(r -> listed.add(GitHubWireMock.runner(
                                r.id(), r.name(), r.online() ? "online" : "offline", r.busy(), r.labels())));
                ResponseDefinitionBuilder answer = json(200, Map.of("total_count", all.size(), "runners", listed));
                if ((long) page * perPage < all.size()) {
                    URI abs = URI.create(request.getAbsoluteUrl());
                    String base = abs.getScheme() + "://" + abs.getRawAuthority() + abs.getRawPath();
                    answer = answer.withHeader(
                            "Link", "<" + base + "?per_page=" + perPage + "&page=" + (page + 1) + ">; rel=\"next\"");
                }
                return answer;
            }
            default -> {
                long id = Long.parseLong(tail);
                Runner runner = scope.runners.get(id);
                if (runner == null) {
                    return error(404, "Not Found");
                }
                if (runner.busy() || busyOnRemoval.contains(runner.name())) {
                    removalsRefusedBusy.incrementAndGet();
                    return error(
                            422,
                            "Bad request - Runner \"" + runner.name() + "\" is still running a job\"",
                            GitHubWireMock.DOCS + "/actions/self-hosted-runners");
                }
                scope.runners.remove(id);
                return ResponseDefinitionBuilder.responseDefinition().withStatus(204);
            }
        }
    }

    private ResponseDefinitionBuilder appAnswer(String path, String credential, Instant now) {
        if (!credential.equals("app")) {
            // GitHub: these endpoints need the App's JWT.
            return error(401, "A JSON web token could not be decoded");
        }
        Matcher org = ORG_INSTALLATION.matcher(path);
        if (org.matches()) {
            Installation i = installations.get(decode(org.group(1)).toLowerCase(Locale.ROOT));
            return i == null ? error(404, "Not Found") : json(200, GitHubWireMock.installation(i.owner(), i.id()));
        }
        Matcher repo = REPO_INSTALLATION.matcher(path);
        if (repo.matches()) {
            Installation i = installations.get(decode(repo.group(1)).toLowerCase(Locale.ROOT));
            return i == null || !i.covers(decode(repo.group(2)))
                    ? error(404, "Not Found")
                    : json(200, GitHubWireMock.installation(i.owner(), i.id()));
        }
        Matcher mint = ACCESS_TOKENS.matcher(path);
        if (mint.matches()) {
            long id = Long.parseLong(mint.group(1));
            if (installations.values().stream().noneMatch(i -> i.id() == id)) {
                return error(404, "Not Found");
            }
            int n = minted.computeIfAbsent(id, i -> new AtomicInteger()).incrementAndGet();
            String token = "ghs_" + id + "_" + n;
            Instant expires = now.plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
            tokens.put(token, new Token(id, expires));
            return json(201, Map.of("token", token, "expires_at", expires.toString()));
        }
        return error(404, "Not Found");
    }

    /** The credential's id as the autoscaler names it; {@code invalid} for a token GitHub would not accept. */
    private String credentialOf(String authorization) {
        if (authorization == null) {
            return "invalid";
        }
        if (authorization.startsWith("token ")) {
            return "token";
        }
        if (authorization.startsWith("Bearer ey")) {
            return "app";
        }
        if (authorization.startsWith("Bearer ")) {
            Token t = tokens.get(authorization.substring("Bearer ".length()));
            if (t == null || !clock.instant().isBefore(t.expiresAt())) {
                return "invalid";
            }
            return "installation/" + t.installationId();
        }
        return "invalid";
    }

    private Budget budgetOf(String credential) {
        return budgets.computeIfAbsent(
                credential,
                c -> new Budget(
                        DEFAULT_LIMIT,
                        DEFAULT_LIMIT,
                        clock.instant().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS)));
    }

    /** GitHub's headers on every answer: the credential's budget, and the time on the fake's clock. */
    private ResponseDefinitionBuilder finish(ResponseDefinitionBuilder answer, String credential, Instant now) {
        Budget b = budgetOf(credential);
        return answer.withHeader("X-RateLimit-Limit", String.valueOf(b.limit))
                .withHeader("X-RateLimit-Remaining", String.valueOf(Math.max(0, b.remaining)))
                .withHeader("X-RateLimit-Reset", String.valueOf(b.resetAt.getEpochSecond()))
                .withHeader("Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(now.atOffset(ZoneOffset.UTC)));
    }

    private static ResponseDefinitionBuilder faultAnswer(Fault fault) {
        return switch (fault) {
            case SERVER_ERROR -> error(502, "Server Error");
            case RATE_LIMITED ->
                error(
                                429,
                                "You have exceeded a secondary rate limit. Please wait a few minutes before you try"
                                        + " again.",
                                GitHubWireMock.DOCS + "/overview/rate-limits-for-the-rest-api")
                        .withHeader("Retry-After", "1");
            case BAD_CREDENTIALS -> error(401, "Bad credentials");
            case FORBIDDEN -> error(403, "Resource not accessible by integration");
            case NOT_FOUND -> error(404, "Not Found");
            case UNPROCESSABLE -> error(422, "Validation Failed", GitHubWireMock.DOCS + "/actions/self-hosted-runners");
            case TIMEOUT -> throw new IllegalArgumentException("a timeout is a delay, not an answer");
        };
    }

    private static ResponseDefinitionBuilder json(int status, Object body) {
        return ResponseDefinitionBuilder.responseDefinition()
                .withStatus(status)
                .withHeader("Content-Type", "application/json; charset=utf-8")
                .withBody(JSON.writeValueAsString(body));
    }

    private static ResponseDefinitionBuilder error(int status, String message) {
        return error(status, message, GitHubWireMock.DOCS);
    }

    private static ResponseDefinitionBuilder error(int status, String message, String docs) {
        return json(status, Map.of("message", message, "documentation_url", docs));
    }

    // ---------------------------------------------------------------- helpers

    private record Located(Scope scope, Runner runner) {}

    private Optional<Located> locate(String name) {
        for (Scope s : scopes.values()) {
            for (Runner r : s.runners.values()) {
                if (r.name().equals(name)) {
                    return Optional.of(new Located(s, r));
                }
            }
        }
        return Optional.empty();
    }

    private Scope scope(GitHubScope scope) {
        Scope s = scopes.get(key(scope));
        if (s == null) {
            throw new IllegalArgumentException(
                    "scope " + GitHubWireMock.scopePath(scope) + " is not set up: call stubStatefulRunners first");
        }
        return s;
    }

    private static String key(GitHubScope scope) {
        return GitHubWireMock.scopePath(scope).toLowerCase(Locale.ROOT);
    }

    private static Map<String, String> query(String url) {
        Map<String, String> params = new HashMap<>();
        String raw = URI.create(url).getRawQuery();
        if (raw == null) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                params.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
            }
        }
        return params;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static int intOr(String s, int fallback) {
        try {
            return s == null ? fallback : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
