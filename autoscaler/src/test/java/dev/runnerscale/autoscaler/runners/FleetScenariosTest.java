package dev.runnerscale.autoscaler.runners;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.autoscaler.jobs.JobStatus;
import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import dev.runnerscale.autoscaler.testsupport.FleetWorld;
import dev.runnerscale.autoscaler.testsupport.GitHubRunnerFake.Fault;
import dev.runnerscale.autoscaler.testsupport.GitHubRunnerFake.Operation;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock;
import dev.runnerscale.autoscaler.testsupport.KubernetesTestServer;
import dev.runnerscale.autoscaler.testsupport.TestPools;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A fleet as platform teams run it — pools over two organisations, a repository-scoped pool, one pool's name a prefix
 * of another's, a Docker-in-Docker pool — with runners that fail the ways {@code actions/runner} fails, on the real
 * parts ({@link FleetWorld}). Each scenario is a defect of the single-pool reconciler.
 */
class FleetScenariosTest {

    @RegisterExtension
    static final GitHubWireMock gitHub = new GitHubWireMock();

    private KubernetesTestServer server;
    private FleetWorld world;

    /** linux-x64 and linux-x64-large share organisation acme and a namespace; the name of one prefixes the other's. */
    private static List<Pool> fleet(FleetWorld w) {
        String a = w.namespace("runners-a");
        String b = w.namespace("runners-b");
        return List.of(
                pool("linux-x64", a, "acme", "", "self-hosted,linux,x64", 3),
                pool("linux-x64-large", a, "acme", "", "self-hosted,linux,x64,large", 3),
                pool("globex-linux", b, "globex", "", "self-hosted,linux,x64", 3),
                pool("acme-web", b, "acme", "web", "self-hosted,linux,deploy", 2),
                TestPools.pool(
                        "name", "docker",
                        "namespace", b,
                        "labels", "self-hosted,linux,docker",
                        "github.owner", "acme",
                        "max", "2",
                        "pod.docker-in-docker", "true"));
    }

    private static Pool pool(String name, String namespace, String owner, String repository, String labels, int max) {
        return TestPools.pool(
                "name", name,
                "namespace", namespace,
                "labels", labels,
                "github.owner", owner,
                "github.repository", repository,
                "max", Integer.toString(max));
    }

    @BeforeEach
    void startServer() {
        server = new KubernetesTestServer();
    }

    @AfterEach
    void close() {
        if (world != null) {
            world.close();
        }
        server.close();
    }

    /** Generous: on two shared cores a first registration (installation lookup, token, JIT) can take seconds. */
    private static ConditionFactory await() {
        // 60 s: on a machine shared by several builds a pass over the fleet can wait long for a core
        return Awaitility.await().atMost(Duration.ofSeconds(60));
    }

    private static PoolStatus status(FleetWorld.Replica replica, FleetWorld world, String pool) {
        return replica.reconciler.operatorView().statusNow(world.pool(pool));
    }

    private static Set<String> podRunnerNames(FleetWorld world, String pool) {
        return world.pods(pool).stream().map(FleetWorld::runnerName).collect(Collectors.toSet());
    }

    @Nested
    class Identity {

        @Test
        void aPoolWhoseNameIsAPrefixOfAnothersNeverDeregistersTheOthersRunners() {
            world = new FleetWorld(server, gitHub, FleetScenariosTest::fleet);
            // pods stay pending (registered, waiting to be scheduled): the old sweep took them for orphans of linux-x64
            world.kubelet("linux-x64").holdPending(true);
            FleetWorld.Replica replica = world.startReplica();
            world.queue("linux-x64-large", 2);
            world.queue("linux-x64", 1);
            await().until(() -> world.registered("linux-x64-large").size() == 2
                    && world.registered("linux-x64").size() == 1);

            // many syncs of the shared scope (sync interval 0: every pass lists)
            long listings = world.github.requests(world.scope("linux-x64"), Operation.LIST_RUNNERS);
            await().until(() ->
                    world.github.requests(world.scope("linux-x64"), Operation.LIST_RUNNERS) > listings + 10);

            assertThat(world.registered("linux-x64-large"))
                    .containsExactlyInAnyOrderElementsOf(podRunnerNames(world, "linux-x64-large"));
            assertThat(world.github.requests(world.scope("linux-x64"), Operation.DELETE_RUNNER))
                    .isZero();
            // nobody was registered twice: 3 registrations in the shared scope for 3 pods
            assertThat(world.github.registrations(world.scope("linux-x64"))).isEqualTo(3);

            world.runnersTakeJobs(true);
            world.kubelet("linux-x64").holdPending(false);
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> world.count("linux-x64-large", JobStatus.COMPLETED) == 2
                            && world.count("linux-x64", JobStatus.COMPLETED) == 1);
            assertThat(replica.counter("runnerscale_pool_errors")).isZero();
        }
    }

    @Nested
    class Scope {

        @Test
        void jobsGoToThePoolOfTheirOrganisationOrRepositoryAndRunnersRegisterThere() {
            world = new FleetWorld(server, gitHub, FleetScenariosTest::fleet);
            world.startReplica();
            world.queue("globex", "app", "self-hosted", "linux", "x64");
            world.queue("globex", "tools", "self-hosted", "linux", "x64");
            long deployElsewhere = world.queue("acme", "app", "self-hosted", "linux", "deploy");
            long deploy = world.queue("acme", "web", "self-hosted", "linux", "deploy");

            await().until(() -> world.registered("globex-linux").size() == 2
                    && world.registered("acme-web").size() == 1);
            assertThat(world.pods("globex-linux")).hasSize(2);
            assertThat(world.pods("acme-web")).hasSize(1);
            // the same labels in organisation acme: not its demand
            assertThat(world.pods("linux-x64")).isEmpty();
            assertThat(world.github.registrations(world.scope("linux-x64"))).isZero();
            // a deploy job of another repository matches no pool: a runner of acme/web could never take it
            assertThat(world.job(deployElsewhere).pool()).isNull();
            assertThat(world.job(deploy).pool()).isEqualTo("acme-web");
            // each organisation's runners were registered with its own installation's token
            assertThat(world.github.tokensMinted(100)).isPositive(); // acme
            assertThat(world.github.tokensMinted(101)).isPositive(); // globex
        }
    }

    @Nested
    class ErrorsByKind {

        @Test
        void aPermanentRefusalOfOnePoolsCallsHoldsThatPoolAloneAndSaysWhy() {
            world = new FleetWorld(server, gitHub, FleetScenariosTest::fleet);
            world.github.failAlways(world.scope("acme-web"), Operation.JIT_CONFIG, Fault.UNPROCESSABLE);
            world.runnersTakeJobs(true);
            FleetWorld.Replica replica = world.startReplica();
            world.queue("acme-web", 2);
            world.queue("globex-linux", 4);
            world.queue("linux-x64", 4);

            // every other pool works through its jobs while acme-web's registration is refused every time
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> world.count("globex-linux", JobStatus.COMPLETED) == 4
                            && world.count("linux-x64", JobStatus.COMPLETED) == 4);

            PoolStatus held = status(replica, world, "acme-web");
            assertThat(held.hold()).isNotNull();
            assertThat(held.hold().reason()).isEqualTo("github_unprocessable");
            assertThat(held.hold().detail()).contains("422");
            assertThat(replica.counter("runnerscale_pool_errors", "pool", "acme-web", "reason", "github_unprocessable"))
                    .isGreaterThanOrEqualTo(1);
            assertThat(replica.counter("runnerscale_pool_errors", "pool", "linux-x64"))
                    .isZero();
            await().until(() -> !world.poolEvents("PoolHeld").isEmpty());
            assertThat(world.poolEvents("PoolHeld"))
                    .allSatisfy(e -> assertThat(e.getMessage()).contains("acme-web"));
            // while held, no pod is created that could not be registered: the pods of the pass that met the refusal
            // wait, and no other joins them however many passes run
            Set<String> waiting = world.pods("acme-web").stream()
                    .map(p -> p.getMetadata().getUid())
                    .collect(Collectors.toSet());
            long passes = replica.loop.passes();
            world.requestPass();
            await().until(() -> replica.loop.passes() > passes + 5);
            assertThat(world.pods("acme-web"))
                    .extracting(p -> p.getMetadata().getUid())
                    .containsExactlyInAnyOrderElementsOf(waiting);

            // fixed on GitHub's side: the hold ends at its back-off and the pool serves its jobs
            world.github.heal(world.scope("acme-web"));
            world.clock.advance(Duration.ofMinutes(2));
            world.requestPass();
            await().atMost(Duration.ofMinutes(1)).until(() -> world.count("acme-web", JobStatus.COMPLETED) == 2);
            assertThat(status(replica, world, "acme-web").hold()).isNull();
        }

        @Test
        void aRateLimitedOrganisationCreatesNoPodItCouldNotRegisterWhileTheOtherGoesOn() {
            world = new FleetWorld(server, gitHub, FleetScenariosTest::fleet);
            world.runnersTakeJobs(true);
            FleetWorld.Replica replica = world.startReplica();
            // globex's installation (101) has spent its hourly budget
            world.github.exhaust("installation/101", world.clock.instant().plus(Duration.ofMinutes(30)));
            world.queue("globex-linux", 3);
            world.queue("linux-x64", 3);

            await().atMost(Duration.ofMinutes(1)).until(() -> world.count("linux-x64", JobStatus.COMPLETED) == 3);
            await().until(() -> replica.board
                    .last("globex-linux")
                    .map(s -> s.lastDecision().reason())
                    .orElse("")
                    .equals("registration_held"));
            assertThat(world.pods("globex-linux")).hasSizeLessThanOrEqualTo(1);
            assertThat(world.github.registrations(world.scope("globex-linux"))).isZero();
        }
    }

    @Nested
    class RunnerBehaviour {

        @Test
        void aRunnerExitingZeroWithoutEverTakingAJobIsARegistrationFailureThatBacksOff() {
            world = new FleetWorld(server, gitHub, FleetScenariosTest::fleet);
            FleetWorld.Replica replica = world.startReplica();
            world.queue("linux-x64", 1);
            await().until(() -> world.runningPods("linux-x64").size() == 1);
            Pod pod = world.runningPods("linux-x64").get(0);

            // run.sh exits 0: its registration was refused, or the runner was deleted on GitHub, or a session conflict
            world.kubelet("linux-x64").exit(pod.getMetadata().getName(), 0);

            await().until(() ->
                    replica.counter("runnerscale_registration_failures", "pool", "linux-x64", "reason", "exited") == 1);
            await().until(() -> !world.events(
                            "RunnerRegistrationFailed",
                            List.of(pod.getMetadata().getNamespace()))
                    .isEmpty());
            assertThat(world.events(
                            "RunnerRegistrationFailed",
                            List.of(pod.getMetadata().getNamespace())))
                    .singleElement()
                    .satisfies(e -> assertThat(e.getMessage()).contains("exit code 0"));
            // replaced, after the back-off: a new pod in the slot, a new runner registration
            await().until(() -> world.pods("linux-x64").stream()
                    .anyMatch(p ->
                            !p.getMetadata().getUid().equals(pod.getMetadata().getUid())));
        }

        @Test
        void aJobsOomKillOrEvictionIsReportedButDoesNotHoldThePool() {
            world = new FleetWorld(server, gitHub, FleetScenariosTest::fleet);
            world.runnersTakeJobs(false); // runners take their job and keep running it
            FleetWorld.Replica replica = world.startReplica();
            List<Long> jobs = world.queue("linux-x64", 2);
            await().until(() -> world.count("linux-x64", JobStatus.IN_PROGRESS) == 2);
            List<Pod> running = world.runningPods("linux-x64");
            await().until(() -> world.pods("linux-x64").stream().allMatch(RunnerPods::tookJobMarked));

            world.kubelet("linux-x64").oomKill(running.get(0).getMetadata().getName());
            world.kubelet("linux-x64").evict(running.get(1).getMetadata().getName());
            jobs.forEach(j -> world.complete(j, "failure"));

            await().until(() -> world.events(
                                    "RunnerJobEndedBadly",
                                    List.of(world.pool("linux-x64").namespace()))
                            .size()
                    == 2);
            assertThat(replica.counter("runnerscale_registration_failures", "pool", "linux-x64"))
                    .isZero();
            // no back-off: a new job gets its runner at once
            world.queue("linux-x64", 1);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> world.runningPods("linux-x64").size() == 1);
            assertThat(replica.board
                            .last("linux-x64")
                            .orElseThrow()
                            .lastDecision()
                            .reason())
                    .isNotEqualTo("failure_backoff");
        }

        @Test
        void aRunningRunnerThatNeverComesOnlineIsReplacedAfterTheGrace() {
            world = new FleetWorld(server, gitHub, FleetScenariosTest::fleet);
            world.neverOnline("globex-linux");
            FleetWorld.Replica replica = world.startReplica();
            world.queue("globex-linux", 1);
            await().until(() -> world.runningPods("globex-linux").size() == 1);
            Pod stuck = world.runningPods("globex-linux").get(0);
            String runner = FleetWorld.runnerName(stuck);
            // a pass has seen it offline on GitHub (the grace counts from that sighting)
            await().until(() -> world.github.requests(world.scope("globex-linux"), Operation.LIST_RUNNERS) >= 2);
            world.requestPass();

            world.clock.advance(Duration.ofMinutes(4));
            world.requestPass();

            await().until(() -> world.pods("globex-linux").stream()
                    .noneMatch(p ->
                            p.getMetadata().getUid().equals(stuck.getMetadata().getUid())));
            await().until(() -> !world.registered("globex-linux").contains(runner));
            assertThat(replica.counter(
                            "runnerscale_registration_failures", "pool", "globex-linux", "reason", "offline"))
                    .isEqualTo(1);
            await().until(() -> !world.events(
                            "RunnerOffline", List.of(stuck.getMetadata().getNamespace()))
                    .isEmpty());
        }

        @Test
        void aDockerInDockerPodEndsWithItsRunnerAndFreesItsSlot() {
            world = new FleetWorld(server, gitHub, FleetScenariosTest::fleet);
            world.runnersTakeJobs(true);
            world.startReplica();
            world.queue("docker", 4);

            await().atMost(Duration.ofMinutes(1)).until(() -> world.count("docker", JobStatus.COMPLETED) == 4);
            assertThat(world.kubelet("docker").maxConcurrentPods()).isLessThanOrEqualTo(2 + 3); // docker + other pools

            // a daemon that is an ordinary container keeps the pod Running after the runner exited: the runner's own
            // state decides, so the slot is still freed
            world.runnersTakeJobs(false);
            world.queue("docker", 1);
            await().until(() -> world.runningPods("docker").size() == 1
                    && RunnerPods.tookJobMarked(world.runningPods("docker").get(0)));
            Pod wedged = world.runningPods("docker").get(0);
            world.kubelet("docker")
                    .runnerExitsPodStaysRunning(wedged.getMetadata().getName(), 0);
            await().until(() -> world.pods("docker").stream()
                    .noneMatch(p ->
                            p.getMetadata().getUid().equals(wedged.getMetadata().getUid())));
        }
    }

    @Nested
    class Demand {

        @Test
        void inProgressJobsOnRunnersThatAreNotOursAreNoPoolsDemand() {
            world = new FleetWorld(server, gitHub, FleetScenariosTest::fleet);
            // running already when the replica starts (queued a moment, they would have been demand meanwhile)
            long onStatic = world.queue("acme", "app", "self-hosted", "linux", "x64");
            long onOtherPool = world.queue("acme", "app", "self-hosted", "linux", "x64");
            long onOtherController = world.queue("acme", "app", "self-hosted", "linux", "x64");
            world.start(onStatic, 7, "build-box-3");
            world.start(onOtherPool, 8, "rs-linux-x64-large-1-abcde");
            world.start(onOtherController, 9, "arc-runner-set-x7k2p-runner-9bq2m");
            FleetWorld.Replica replica = world.startReplica();

            await().until(() -> replica.board.last("linux-x64").isPresent());
            world.requestPass();
            await().during(Duration.ofSeconds(2))
                    .until(() -> world.pods("linux-x64").isEmpty());
            assertThat(status(replica, world, "linux-x64").desired()).isZero();

            // a job whose runner is not known yet is still demand: it may be ours
            long unnamed = world.queue("acme", "app", "self-hosted", "linux", "x64");
            world.start(unnamed, 10, null);
            await().until(() -> world.pods("linux-x64").size() == 1);
        }
    }

    @Nested
    class RemovedPools {

        @Test
        void aPoolNoLongerConfiguredIsDrainedIdleRunnersGitHubFirstBusyOnesLeftToFinish() {
            world = new FleetWorld(server, gitHub, FleetScenariosTest::fleet);
            world.runnersTakeJobs(false);
            FleetWorld.Replica before = world.startReplica();
            List<Long> jobs = world.queue("linux-x64-large", 1);
            await().until(() -> world.count("linux-x64-large", JobStatus.IN_PROGRESS) == 1);
            world.runnersTakeJobs(false);
            world.complete(jobs.get(0), "success"); // keeps running: the idle runner below is what must go
            // an idle runner besides the busy one: a job that was cancelled before it reached its runner
            List<Long> more = world.queue("linux-x64-large", 1);
            await().until(() -> world.runningPods("linux-x64-large").size() == 1
                    && world.registered("linux-x64-large").size() >= 1);
            world.github.assign(
                    FleetWorld.runnerName(world.runningPods("linux-x64-large").get(0)));
            before.close();
            Set<String> busy = Set.of(
                    FleetWorld.runnerName(world.runningPods("linux-x64-large").get(0)));
            world.complete(more.get(0), "cancelled");

            // the pool is removed from the configuration
            world.startReplica(world.pools.stream()
                    .filter(p -> !p.name().equals("linux-x64-large"))
                    .toList());

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> world.pods("linux-x64-large").stream()
                            .allMatch(p -> busy.contains(FleetWorld.runnerName(p))));
            assertThat(world.registered("linux-x64-large")).containsExactlyElementsOf(busy);
            // the busy runner finishes its job and exits: its pod and Secret are collected
            Pod last = world.pods("linux-x64-large").get(0);
            world.github.finish(FleetWorld.runnerName(last));
            world.kubelet("linux-x64-large").succeed(last.getMetadata().getName());
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> world.pods("linux-x64-large").isEmpty());
            await().until(() -> world.client
                    .secrets()
                    .inNamespace(world.pool("linux-x64-large").namespace())
                    .withLabel(RunnerPodFactory.POOL_LABEL, "linux-x64-large")
                    .list()
                    .getItems()
                    .isEmpty());
        }
    }

    static Instant now() {
        return Instant.now();
    }
}
