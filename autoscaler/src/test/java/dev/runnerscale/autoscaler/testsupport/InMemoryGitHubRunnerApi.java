package dev.runnerscale.autoscaler.testsupport;

import dev.runnerscale.autoscaler.github.GitHubRateLimitedException;
import dev.runnerscale.autoscaler.github.GitHubRunnerApi;
import dev.runnerscale.autoscaler.github.GitHubUnavailableException;
import dev.runnerscale.autoscaler.pools.PoolsProperties.GitHubScope;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * GitHub's runner endpoints in memory, behaving like GitHub: a runner name is unique within the scope (a second
 * registration of it is refused), a busy runner cannot be removed, an unknown one answers NOT_FOUND, and an
 * ephemeral runner disappears after its job. Failures can be queued: 5xx, 429 with Retry-After, timeouts and an open
 * circuit, surfacing as the port's exceptions exactly as the real client reports them.
 */
public final class InMemoryGitHubRunnerApi implements GitHubRunnerApi {

    public enum Failure {
        SERVER_ERROR,
        RATE_LIMITED,
        TIMEOUT,
        CIRCUIT_OPEN
    }

    private record Runner(long id, String name, boolean busy, List<String> labels) {}

    private final Map<Long, Runner> runners = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
    private final AtomicLong ids = new AtomicLong(1000);
    private final AtomicInteger registrations = new AtomicInteger();
    private final AtomicInteger removalsRefusedBusy = new AtomicInteger();
    private final Clock clock;
    private final java.util.Set<String> busyOnRemoval = ConcurrentHashMap.newKeySet();
    private volatile boolean dryRun;

    public InMemoryGitHubRunnerApi(Clock clock) {
        this.clock = clock;
    }

    public void dryRun(boolean dryRun) {
        this.dryRun = dryRun;
    }

    /** The next calls fail, one failure per call, in order. */
    public void failNext(Failure... next) {
        failures.addAll(List.of(next));
    }

    private void maybeFail() {
        Failure failure = failures.poll();
        if (failure == null) {
            return;
        }
        switch (failure) {
            case SERVER_ERROR -> throw new GitHubUnavailableException("GitHub answered 502 Bad Gateway");
            case RATE_LIMITED ->
                throw new GitHubRateLimitedException(
                        "GitHub answered 429, Retry-After: 1", clock.instant().plus(Duration.ofSeconds(1)));
            case TIMEOUT ->
                throw new GitHubUnavailableException("GitHub timed out", new SocketTimeoutException("Read timed out"));
            case CIRCUIT_OPEN -> throw new GitHubUnavailableException("circuit breaker 'github' is OPEN");
        }
    }

    @Override
    public JitRunner createJitRunner(GitHubScope scope, String runnerName, List<String> labels) {
        ensureNotDryRun();
        maybeFail();
        synchronized (runners) {
            if (find(runnerName).isPresent()) {
                // GitHub: 409 "Already exists - A runner with the name ... already exists."
                throw new IllegalStateException("runner name already exists: " + runnerName);
            }
            long id = ids.incrementAndGet();
            runners.put(id, new Runner(id, runnerName, false, labels));
            registrations.incrementAndGet();
            String jit = Base64.getEncoder().encodeToString(("{\"runner\":\"" + runnerName + "\"}").getBytes());
            return new JitRunner(id, runnerName, jit);
        }
    }

    @Override
    public List<RegisteredRunner> listRunners(GitHubScope scope) {
        ensureNotDryRun();
        maybeFail();
        List<RegisteredRunner> out = new ArrayList<>();
        runners.values().forEach(r -> out.add(new RegisteredRunner(r.id(), r.name(), "online", r.busy(), r.labels())));
        return out;
    }

    @Override
    public RunnerRemoval removeRunner(GitHubScope scope, long runnerId) {
        ensureNotDryRun();
        maybeFail();
        synchronized (runners) {
            Runner runner = runners.get(runnerId);
            if (runner == null) {
                return RunnerRemoval.NOT_FOUND;
            }
            if (busyOnRemoval.remove(runner.name())) {
                runner = new Runner(runner.id(), runner.name(), true, runner.labels());
                runners.put(runner.id(), runner);
            }
            if (runner.busy()) {
                removalsRefusedBusy.incrementAndGet();
                return RunnerRemoval.BUSY;
            }
            runners.remove(runnerId);
            return RunnerRemoval.REMOVED;
        }
    }

    @Override
    public boolean dryRun() {
        return dryRun;
    }

    private void ensureNotDryRun() {
        if (dryRun) {
            throw new AssertionError("a dry-run must send nothing to GitHub");
        }
    }

    // --- what GitHub does on its own: assign a job, and remove an ephemeral runner after it ---

    /** GitHub assigned a job to the runner: it is busy now. Returns its id. */
    public long assign(String runnerName) {
        synchronized (runners) {
            Runner runner = find(runnerName).orElseThrow(() -> new IllegalStateException("unknown " + runnerName));
            runners.put(runner.id(), new Runner(runner.id(), runner.name(), true, runner.labels()));
            return runner.id();
        }
    }

    /** GitHub assigns a job to this runner at the moment someone tries to remove it (the race scale-down must lose). */
    public void busyOnRemoval(String runnerName) {
        busyOnRemoval.add(runnerName);
    }

    /** The ephemeral runner finished its job: GitHub forgets it. */
    public void finish(String runnerName) {
        synchronized (runners) {
            find(runnerName).ifPresent(r -> runners.remove(r.id()));
        }
    }

    public Optional<RegisteredRunner> runner(String runnerName) {
        return find(runnerName).map(r -> new RegisteredRunner(r.id(), r.name(), "online", r.busy(), r.labels()));
    }

    public List<String> runnerNames() {
        return runners.values().stream().map(Runner::name).sorted().toList();
    }

    public int registrations() {
        return registrations.get();
    }

    public int removalsRefusedBusy() {
        return removalsRefusedBusy.get();
    }

    private Optional<Runner> find(String name) {
        return runners.values().stream().filter(r -> r.name().equals(name)).findFirst();
    }
}
