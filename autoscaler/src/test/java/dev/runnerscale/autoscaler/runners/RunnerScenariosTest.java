package dev.runnerscale.autoscaler.runners;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.autoscaler.jobs.JobStatus;
import dev.runnerscale.autoscaler.testsupport.ForwardingLedger;
import dev.runnerscale.autoscaler.testsupport.GitHubRunnerFake.Fault;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock;
import dev.runnerscale.autoscaler.testsupport.KubernetesTestServer;
import dev.runnerscale.autoscaler.testsupport.RunnerWorld;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

/**
 * The reconciler end to end on real parts: the mock API server (CRUD) with a kubelet, the JDBC ledger on PostgreSQL,
 * and the real GitHub client against WireMock validated against GitHub's OpenAPI description ({@link RunnerWorld}).
 */
class RunnerScenariosTest {

    @RegisterExtension
    static final GitHubWireMock gitHub = new GitHubWireMock();

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private KubernetesTestServer server;
    private RunnerWorld world;

    /** Generous: two shared cores under a whole build can hold a single GitHub round trip for seconds. */
    static ConditionFactory await() {
        return Awaitility.await().atMost(Duration.ofSeconds(30));
    }

    // One API server per test: a test's leftover watches can never stall the next test's server.
    @BeforeEach
    void startServer() {
        server = new KubernetesTestServer();
    }

    @AfterEach
    void closeWorld() {
        if (world != null) {
            world.close();
        }
        server.close();
    }

    private static Set<String> podRunnerNames(RunnerWorld world) {
        return world.pods().stream().map(RunnerWorld::runnerName).collect(Collectors.toSet());
    }

    @Nested
    class Lifecycle {

        @Test
        void aRunnerGitHubReportsBusyBeforeTheLedgerHearsInProgressIsNotAnExtraRunnersWorthOfDemand() throws Exception {
            world = new RunnerWorld(server, gitHub, 0, 3);
            world.startReplica();
            world.queue(1);
            await().until(() -> world.pod("linux-x64-spot-0")
                    .filter(p -> p.getStatus() != null
                            && "Running".equals(p.getStatus().getPhase()))
                    .map(p -> p.getMetadata().getAnnotations().containsKey(RunnerPodFactory.RUNNER_ID_ANNOTATION))
                    .orElse(false));

            // GitHub assigned the queued job to the runner; the in_progress webhook has not arrived yet
            world.github.assign(
                    RunnerWorld.runnerName(world.pod("linux-x64-spot-0").orElseThrow()));
            for (int pass = 0; pass < 5; pass++) {
                world.requestPass();
                Thread.sleep(50);
            }

            assertThat(world.pods()).hasSize(1);
        }

        @Test
        void aJobStartingBetweenAPasssTwoLedgerReadsIsNotCountedTwice() throws Exception {
            world = new RunnerWorld(server, gitHub, 0, 3);
            AtomicReference<Runnable> betweenReads = new AtomicReference<>();
            world.ledgerView = ledger -> new ForwardingLedger(ledger) {
                @Override
                protected void afterDemandRead() {
                    Runnable move = betweenReads.getAndSet(null);
                    if (move != null) {
                        move.run();
                    }
                }
            };
            world.startReplica();
            long job = world.queue(1).get(0);
            await().until(() -> world.pod("linux-x64-spot-0")
                    .filter(p -> p.getStatus() != null
                            && "Running".equals(p.getStatus().getPhase()))
                    .map(p -> p.getMetadata().getAnnotations().containsKey(RunnerPodFactory.RUNNER_ID_ANNOTATION))
                    .orElse(false));
            Pod pod = world.pod("linux-x64-spot-0").orElseThrow();
            long runnerId =
                    Long.parseLong(pod.getMetadata().getAnnotations().get(RunnerPodFactory.RUNNER_ID_ANNOTATION));

            // the runner takes the job just after the next pass's first ledger read, before its second
            betweenReads.set(() -> world.ledger.start(job, runnerId, RunnerWorld.runnerName(pod)));
            world.requestPass();
            await().until(() -> betweenReads.get() == null);
            for (int pass = 0; pass < 3; pass++) {
                world.requestPass();
                Thread.sleep(50);
            }

            assertThat(world.pods()).hasSize(1);
            assertThat(world.github.runnerNames()).hasSize(1);
        }

        @Test
        void queuedJobGetsAPodWithItsJitSecretAndTheCompletedPodIsDeleted() {
            world = new RunnerWorld(server, gitHub, 0, 3);
            world.startReplica();
            world.runnersTakeJobs(false);

            long job = world.queue(1).get(0);

            await().until(() -> world.pod("linux-x64-spot-0")
                    .map(p -> p.getMetadata().getAnnotations().containsKey(RunnerPodFactory.RUNNER_ID_ANNOTATION))
                    .orElse(false));
            Pod pod = world.pod("linux-x64-spot-0").orElseThrow();
            Secret secret = world.client
                    .secrets()
                    .inNamespace(world.pool.namespace())
                    .withName("linux-x64-spot-0-jit")
                    .get();
            assertThat(secret).isNotNull();
            assertThat(secret.getMetadata().getOwnerReferences())
                    .singleElement()
                    .satisfies(o ->
                            assertThat(o.getUid()).isEqualTo(pod.getMetadata().getUid()));
            assertThat(secret.getData()).containsKey(RunnerPodFactory.JIT_SECRET_KEY);
            assertThat(RunnerWorld.runnerName(pod)).startsWith("rs-linux-x64-spot-0-");
            assertThat(world.github.runnerNames()).containsExactly(RunnerWorld.runnerName(pod));

            // in_progress: the runner took the job; the busy pod is protected from Karpenter.
            await().until(() -> world.ledger.find(job).orElseThrow().status() == JobStatus.IN_PROGRESS);
            world.requestPass();
            await().until(() -> "true"
                    .equals(world.pod("linux-x64-spot-0")
                            .orElseThrow()
                            .getMetadata()
                            .getAnnotations()
                            .get(RunnerPodFactory.DO_NOT_DISRUPT_ANNOTATION)));
            assertThat(world.pods()).hasSize(1); // busy job counted once, nothing queued: no extra runner

            // completed: the ephemeral runner exits, the pod and its Secret are deleted, nothing replaces it.
            world.ledger.complete(job, "success");
            world.github.finish(RunnerWorld.runnerName(pod));
            world.kubelet.succeed(pod.getMetadata().getName());
            world.ledgerChanged();
            await().until(() -> world.pods().isEmpty());
            await().until(() -> world.client
                    .secrets()
                    .inNamespace(world.pool.namespace())
                    .list()
                    .getItems()
                    .isEmpty());
            assertThat(world.github.runnerNames()).isEmpty();
        }

        @Test
        void minIdleKeepsWarmRunnersEvenPastTheIdleTimeout() {
            world = new RunnerWorld(server, gitHub, 2, 5);
            RunnerWorld.Replica replica = world.startReplica();

            await().until(() -> world.pods().stream()
                            .filter(p -> p.getStatus() != null
                                    && "Running".equals(p.getStatus().getPhase()))
                            .count()
                    == 2);
            world.clock.advance(world.pool.idleTimeout().plusMinutes(1));
            long passes = replica.loop.passes();
            world.requestPass();
            await().until(() -> replica.loop.passes() > passes);

            assertThat(world.pods()).hasSize(2);
            assertThat(world.github.runnerNames()).hasSize(2);
            assertThat(replica.board.last(world.pool.name()).orElseThrow().idle())
                    .isEqualTo(2);
        }
    }

    @Nested
    class Cap {

        @Test
        void aStormOfLedgerCommitsCostsAtMostOnePassPerIntervalAndAQuietTriggerRunsAtOnce() throws Exception {
            world = new RunnerWorld(server, gitHub, 0, 10);
            RunnerWorld.Replica replica = world.startReplica();
            await().until(() -> replica.loop.passes() >= 1);
            Thread.sleep(100);

            // after a quiet spell the first trigger is not held back
            long before = replica.loop.passes();
            long triggered = System.nanoTime();
            world.ledgerChanged();
            await().atMost(Duration.ofSeconds(5)).until(() -> replica.loop.passes() > before);
            long reaction = System.nanoTime() - triggered;

            // a webhook storm: a commit every 0.2 ms for a second (5,000 a second)
            long stormStart = replica.loop.passes();
            long end = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            int commits = 0;
            while (System.nanoTime() < end) {
                world.ledgerChanged();
                commits++;
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            }
            long stormPasses = replica.loop.passes() - stormStart;

            assertThat(Duration.ofNanos(reaction)).isLessThan(Duration.ofMillis(500));
            assertThat(commits).isGreaterThan(1_000);
            // 20 ms apart: at most 50 passes in that second, and at least some (nothing was starved)
            assertThat(stormPasses).isBetween(5L, 52L);
        }

        @Test
        void burstOf500QueuedJobsNeverExceedsMaxPods() {
            world = new RunnerWorld(server, gitHub, 0, 10);
            world.runnersTakeJobs(true);
            world.queue(500);
            world.startReplica();

            await().atMost(Duration.ofMinutes(3)).until(() -> world.ledger.count(JobStatus.COMPLETED) == 500);
            awaitNoPods(world); // a spare runner idles out

            assertThat(world.kubelet.maxConcurrentPods()).isEqualTo(10);
            // The ledger hears in_progress after GitHub assigned the job, so a pod created in between is a spare
            // (it idled out above): a few spares at most. A registration whose answer timed out (a loaded machine)
            // is redone under a fresh name and the half-registered runner swept: never a name twice, nothing left.
            assertThat(world.kubelet.podsCreated()).isBetween(500, 510);
            assertThat(world.github.registrations())
                    .isBetween(world.kubelet.podsCreated(), world.kubelet.podsCreated() + 5);
            assertThat(world.github.runnerNames()).isEmpty();
            assertRegisteredOncePerPod(world);
        }

        @Test
        void twoReconcilersAtOnceNeverExceedMaxPodsNorRegisterTwice() {
            world = new RunnerWorld(server, gitHub, 0, 10);
            world.runnersTakeJobs(true);
            world.queue(300);
            world.startReplica();
            world.startReplica();

            await().atMost(Duration.ofMinutes(2)).until(() -> world.ledger.count(JobStatus.COMPLETED) == 300);
            // a transient extra runner without a job is idle: it goes at its idle timeout, like any other
            awaitNoPods(world); // a spare runner idles out

            assertThat(world.kubelet.maxConcurrentPods()).isLessThanOrEqualTo(10);
            // The losing replica's create got 409 and it registered nothing. A transient extra runner within the cap
            // is allowed (ledger and GitHub lag each other), and so is a re-registration of a pod whose Secret was
            // lost to a slot-reuse race between the two replicas; whatever was registered and not used is removed.
            assertThat(world.kubelet.podsCreated()).isBetween(300, 310);
            assertThat(world.github.registrations())
                    .isBetween(world.kubelet.podsCreated(), world.kubelet.podsCreated() + 10);
            assertThat(world.github.runnerNames()).isEmpty();
        }

        @Test
        void restartInTheMiddleOfABurstLosesNothing() {
            world = new RunnerWorld(server, gitHub, 0, 5, Duration.ofSeconds(1));
            world.runnersTakeJobs(true);
            world.queue(100);
            RunnerWorld.Replica first = world.startReplica(false);

            await().until(() -> world.ledger.count(JobStatus.COMPLETED) >= 30);
            // The process ends mid-burst (pods pending, some maybe unregistered); a new one starts with no memory.
            first.close();
            world.startReplica();

            await().atMost(Duration.ofMinutes(2)).until(() -> world.ledger.count(JobStatus.COMPLETED) == 100);
            awaitNoPods(world); // a spare runner idles out
            assertThat(world.kubelet.maxConcurrentPods()).isLessThanOrEqualTo(5);
            await().until(() -> world.github.runnerNames().isEmpty());
        }
    }

    @Nested
    class ScaleDown {

        @Test
        void idleRunnerPastTheIdleTimeoutIsRemovedFromGitHubThenDeleted() {
            world = new RunnerWorld(server, gitHub, 0, 3);
            RunnerWorld.Replica replica = world.startReplica();
            long job = world.queue(1).get(0);
            await().until(() -> world.github.runnerNames().size() == 1
                    && world.pods().stream().allMatch(p -> p.getStatus() != null));
            // The job was cancelled before it reached the runner: the runner is idle and not needed.
            world.ledger.complete(job, "cancelled");
            awaitObserved(replica, "idle");
            world.clock.advance(world.pool.idleTimeout().plusSeconds(1));
            world.requestPass();

            await().until(() -> world.pods().isEmpty());
            assertThat(world.github.runnerNames()).isEmpty();
            assertThat(replica.registry
                            .get("runnerscale_scale_events")
                            .tag("direction", "down")
                            .counter()
                            .count())
                    .isEqualTo(1.0);
        }

        @Test
        void runnerGitHubReportsBusyIsKeptAndNeverDeleted() {
            world = new RunnerWorld(server, gitHub, 0, 3);
            RunnerWorld.Replica replica = world.startReplica();
            long job = world.queue(1).get(0);
            await().until(() -> world.github.runnerNames().size() == 1
                    && world.pods().stream()
                            .allMatch(p -> p.getStatus() != null
                                    && "Running".equals(p.getStatus().getPhase())));
            Pod pod = world.pods().get(0);
            world.ledger.complete(job, "cancelled");
            // GitHub assigns another job to the runner at the very moment we try to remove it.
            world.github.busyOnRemoval(RunnerWorld.runnerName(pod));
            awaitObserved(replica, "idle");
            world.clock.advance(world.pool.idleTimeout().plusSeconds(1));
            world.requestPass();

            await().until(() -> world.github.removalsRefusedBusy() == 1);
            await().until(() -> "true"
                    .equals(world.pod(pod.getMetadata().getName())
                            .orElseThrow()
                            .getMetadata()
                            .getAnnotations()
                            .get(RunnerPodFactory.DO_NOT_DISRUPT_ANNOTATION)));
            world.requestPass();
            assertThat(world.pod(pod.getMetadata().getName()))
                    .get()
                    .satisfies(p -> assertThat(p.getMetadata().getUid())
                            .isEqualTo(pod.getMetadata().getUid()));
            assertThat(world.github.runner(RunnerWorld.runnerName(pod))).isPresent();
        }
    }

    @Nested
    class Replacement {

        @Test
        void failedPodIsNotCountedAndIsReplacedAfterBackOff() {
            world = new RunnerWorld(server, gitHub, 0, 1);
            world.startReplica();
            world.queue(1);
            await().until(() -> world.pods().stream()
                    .anyMatch(p -> p.getStatus() != null
                            && "Running".equals(p.getStatus().getPhase())));
            Pod failed = world.pods().get(0);

            world.kubelet.fail(failed.getMetadata().getName());

            await().until(() -> world.pod(failed.getMetadata().getName())
                    .map(p -> !p.getMetadata()
                            .getUid()
                            .equals(failed.getMetadata().getUid()))
                    .orElse(false));
            await().until(() -> events(world, "RunnerRegistrationFailed").size() == 1);
            // the failed runner's registration is cleaned up; only the replacement is registered
            await().until(() -> world.github.runnerNames().equals(List.copyOf(podRunnerNames(world))));
        }

        @Test
        void podStuckPendingPastTheTimeoutIsReplaced() {
            world = new RunnerWorld(server, gitHub, 0, 2);
            world.kubelet.holdPending(true);
            RunnerWorld.Replica replica = world.startReplica();
            world.queue(1);
            await().until(() -> {
                List<Pod> pods = world.pods();
                return pods.size() == 1
                        && pods.get(0)
                                .getMetadata()
                                .getAnnotations()
                                .containsKey(RunnerPodFactory.RUNNER_ID_ANNOTATION);
            });
            Pod stuck = world.pods().get(0);
            awaitObserved(replica, "pending");

            world.clock.advance(world.pool.pendingTimeout().plusSeconds(1));
            world.requestPass();

            await().until(() -> {
                List<Pod> pods = world.pods(); // one listing: the pod may go between two
                return pods.size() == 1
                        && !pods.get(0)
                                .getMetadata()
                                .getUid()
                                .equals(stuck.getMetadata().getUid());
            });
            await().until(() -> events(world, "RunnerPendingTimeout").size() == 1);
            await().until(() -> world.github.runnerNames().equals(List.copyOf(podRunnerNames(world))));
        }
    }

    @Nested
    class Faults {

        @Test
        void gitHubErrorsRateLimitsTimeoutsAndOpenCircuitConvergeWithoutDuplicateRunners() {
            world = new RunnerWorld(server, gitHub, 0, 5);
            world.github.failNext(Fault.SERVER_ERROR, Fault.RATE_LIMITED, Fault.TIMEOUT, Fault.SERVER_ERROR);
            RunnerWorld.Replica replica = world.startReplica();
            replica.gitHub.http.circuitBreaker().transitionToOpenState(); // half-opens after a second
            world.queue(3);

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> world.pods().size() == 3
                            && world.pods().stream()
                                    .allMatch(p -> p.getStatus() != null
                                            && "Running".equals(p.getStatus().getPhase())));
            // each pod has exactly one registration; registrations that were half-made are gone
            await().until(() -> world.github
                    .runnerNames()
                    .equals(podRunnerNames(world).stream().sorted().toList()));
            assertRegisteredOncePerPod(world);
            assertThat(world.github.pendingFaults())
                    .as("every fault was served")
                    .isZero();
        }

        @Test
        void kubernetesConflictAndServerErrorConvergeWithoutDuplicateRunners() {
            world = new RunnerWorld(server, gitHub, 0, 5);
            String pods = "/api/v1/namespaces/" + world.pool.namespace() + "/pods";
            String secrets = "/api/v1/namespaces/" + world.pool.namespace() + "/secrets";
            server.server()
                    .expect()
                    .post()
                    .withPath(pods)
                    .andReturn(
                            500,
                            new StatusBuilder()
                                    .withCode(500)
                                    .withMessage("etcd timeout")
                                    .build())
                    .once();
            server.server()
                    .expect()
                    .post()
                    .withPath(pods)
                    .andReturn(
                            409,
                            new StatusBuilder()
                                    .withCode(409)
                                    .withReason("AlreadyExists")
                                    .build())
                    .once();
            server.server()
                    .expect()
                    .post()
                    .withPath(secrets)
                    .andReturn(
                            500,
                            new StatusBuilder()
                                    .withCode(500)
                                    .withMessage("etcd timeout")
                                    .build())
                    .once();
            world.startReplica();
            world.queue(2);

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> world.pods().size() == 2
                            && world.pods().stream()
                                    .allMatch(p -> p.getStatus() != null
                                            && "Running".equals(p.getStatus().getPhase())));
            await().until(() -> world.github
                    .runnerNames()
                    .equals(podRunnerNames(world).stream().sorted().toList()));
            assertRegisteredOncePerPod(world);
        }

        @Test
        void anApiServerFailingThePodWatchAtStartDelaysTheCacheNotTheStartNorTheRunners() {
            world = new RunnerWorld(server, gitHub, 0, 5);
            // RBAC not yet applied (a 403 is not retried by the HTTP client), then a watch refused once
            String pods = "/api/v1/namespaces/" + world.pool.namespace() + "/pods?";
            server.fail("GET", p -> p.startsWith(pods) && p.contains("resourceVersion=0"), 2, 403);
            server.fail("GET", p -> p.startsWith(pods) && p.contains("watch=true"), 1, 403);

            RunnerWorld.Replica replica = world.startReplica(); // returns: the watch retries in the background
            assertThat(replica.loop.watchingPods()).isFalse();
            world.queue(2);
            // passes LIST pods themselves meanwhile
            await().atMost(Duration.ofSeconds(30)).until(() -> world.pods().size() == 2);

            // the client's back-off brings the watch up on its own
            await().atMost(Duration.ofSeconds(20)).until(replica.loop::watchingPods);
            world.client
                    .pods()
                    .inNamespace(world.pool.namespace())
                    .withName("linux-x64-spot-0")
                    .withGracePeriod(0)
                    .delete();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> world.pod("linux-x64-spot-0")
                            .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                            .isPresent());
        }
    }

    /** From WireMock's journal: no name was ever asked for twice, and each pod's runner was registered once. */
    static void assertRegisteredOncePerPod(RunnerWorld world) {
        List<String> asked =
                gitHub
                        .server()
                        .findAll(postRequestedFor(urlPathMatching(".*/actions/runners/generate-jitconfig")))
                        .stream()
                        .map(r -> JSON.readTree(r.getBodyAsString()).get("name").asString())
                        .toList();
        assertThat(asked).doesNotHaveDuplicates();
        assertThat(asked).containsAll(podRunnerNames(world));
    }

    /**
     * Until a pass of the replica has seen a runner in that state: timeouts count from a replica's first sighting of a
     * state (its clock-skew guard), so the test may only move time on after it.
     */
    static void awaitObserved(RunnerWorld.Replica replica, String state) {
        await().until(() -> replica.board
                        .last(replica.reconciler.poolNames().iterator().next())
                        .map(s -> switch (state) {
                            case "pending" -> s.pending();
                            case "idle" -> s.idle();
                            default -> throw new IllegalArgumentException(state);
                        })
                        .orElse(0L)
                >= 1);
    }

    /** Passes until every pod is gone; on failure the message lists what is left and in which state. */
    static void awaitNoPods(RunnerWorld world) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            // A pod's idle time counts from this replica's first sighting of it idle (clock-skew guard), which may
            // come after an earlier advance: move time on every round, so that any spare idles out.
            world.clock.advance(world.pool.idleTimeout().plusMinutes(1));
            world.requestPass();
            assertThat(world.pods().stream()
                            .map(p -> p.getMetadata().getName() + " "
                                    + (p.getStatus() == null
                                            ? null
                                            : p.getStatus().getPhase()) + " "
                                    + p.getMetadata().getAnnotations()))
                    .isEmpty();
        });
    }

    static List<Event> events(RunnerWorld world, String reason) {
        return world.client.v1().events().inNamespace(world.pool.namespace()).list().getItems().stream()
                .filter(e -> reason.equals(e.getReason()))
                .toList();
    }
}
