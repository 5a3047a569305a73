package dev.runnerscale.autoscaler.runners;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runnerscale.autoscaler.jobs.JobStatus;
import dev.runnerscale.autoscaler.pools.PoolsProperties.GitHubScope;
import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import dev.runnerscale.autoscaler.testsupport.FleetWorld;
import dev.runnerscale.autoscaler.testsupport.GitHubRunnerFake.Operation;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock;
import dev.runnerscale.autoscaler.testsupport.KubernetesTestServer;
import dev.runnerscale.autoscaler.testsupport.TestPools;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Twenty pools of one organisation for a simulated hour on the world's clock, passes every 5 s as a webhook stream
 * or the resync would run them: GitHub's budget of the organisation's installation (5,000 requests an hour) must
 * hold with room to spare, idle and busy. The stated budget:
 *
 * <ul>
 *   <li>idle (no pods, no jobs): one runner listing per scope every {@code github-idle-sync-interval} (5 min) — at
 *       most 13 an hour with the first — plus the installation lookup and token;
 *   <li>busy (every pool running jobs all hour): one listing per scope per {@code github-sync-interval} (5 s) —
 *       720 an hour — plus one JIT registration per job, and nothing per pool.
 * </ul>
 *
 * The single-pool reconciler listed every pool's runners every 5 s whether idle or not: 20 × 720 = 14,400 an hour,
 * three times the installation's limit.
 */
class GitHubBudgetTest {

    @RegisterExtension
    static final GitHubWireMock gitHub = new GitHubWireMock();

    private static final int POOLS = 20;
    private static final Duration STEP = Duration.ofSeconds(5);
    private static final int STEPS_PER_HOUR = 720;

    private KubernetesTestServer server;
    private FleetWorld world;

    private static List<Pool> twentyPools(FleetWorld w) {
        String namespace = w.namespace("runners");
        return IntStream.range(0, POOLS)
                .mapToObj(i -> TestPools.pool(
                        "name",
                        "pool-" + i,
                        "namespace",
                        namespace,
                        "labels",
                        "self-hosted,linux,p" + i,
                        "github.owner",
                        "acme",
                        "max",
                        "10"))
                .toList();
    }

    @BeforeEach
    void start() {
        server = new KubernetesTestServer();
        world = new FleetWorld(
                server,
                gitHub,
                GitHubBudgetTest::twentyPools,
                false,
                "github-sync-interval",
                "5s",
                "github-idle-sync-interval",
                "5m");
        // room for the busy hour's runners (20 pools × 4 jobs, 1 CPU and 2 GiB each): the world's kubelets bind pods
        // only to nodes that fit them, and the default four nodes hold 27
        for (int n = 0; n < 12; n++) {
            world.addNode(
                    "ip-10-0-9-" + (10 + n) + ".ec2.internal",
                    "m5.2xlarge",
                    "us-east-1a",
                    "use1-az4",
                    "spot",
                    "7910m",
                    "30Gi");
        }
    }

    @AfterEach
    void close() {
        world.close();
        server.close();
    }

    private GitHubScope acme() {
        return world.scope("pool-0");
    }

    @Test
    void anIdleHourOfTwentyPoolsCostsAListingEveryFiveMinutesAndNothingPerPool() {
        FleetWorld.Replica replica = world.drivenReplica();
        for (int step = 0; step < STEPS_PER_HOUR; step++) {
            replica.pass();
            world.clock.advance(STEP);
        }

        int listings = world.github.requests(acme(), Operation.LIST_RUNNERS);
        int all = world.github.requestsWith("installation/100") + world.github.requestsWith("app");
        assertThat(listings).isBetween(12, 13);
        assertThat(all).isLessThanOrEqualTo(13 + 2 + 2); // listings, installation lookup and tokens
        assertThat(world.github.requests(acme(), Operation.JIT_CONFIG)).isZero();
    }

    @Test
    void aBusyHourOfTwentyPoolsStaysFarUnderTheInstallationsLimit() {
        // every pool busy all hour long: a runner of each runs a long job, so every scope is active at every step —
        // the most listings the hour can cost — and more jobs arrive every quarter of an hour
        world.runnersTakeJobs(false);
        FleetWorld.Replica replica = world.drivenReplica();
        List<Long> jobs = new ArrayList<>();
        for (int step = 0; step < STEPS_PER_HOUR; step++) {
            if (step % 180 == 0) {
                for (int p = 0; p < POOLS; p++) {
                    jobs.addAll(world.queue("pool-" + p, 1));
                }
            }
            replica.pass();
            if (step % 180 == 0) {
                // the runners the pass created start and take their job before the hour goes on
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> world.count("pool-" + (POOLS - 1), JobStatus.QUEUED) == 0
                                && IntStream.range(0, POOLS)
                                        .allMatch(p -> world.count("pool-" + p, JobStatus.QUEUED) == 0));
            }
            world.clock.advance(STEP);
        }
        for (int p = 0; p < POOLS; p++) {
            assertThat(world.count("pool-" + p, JobStatus.IN_PROGRESS)).isEqualTo(jobs.size() / POOLS);
        }

        int listings = world.github.requests(acme(), Operation.LIST_RUNNERS);
        int registrations = world.github.requests(acme(), Operation.JIT_CONFIG);
        int all = world.github.requestsWith("installation/100") + world.github.requestsWith("app");
        assertThat(listings).isBetween(STEPS_PER_HOUR - 1, STEPS_PER_HOUR + 1);
        assertThat(registrations).isEqualTo(jobs.size());
        assertThat(all).isLessThanOrEqualTo(STEPS_PER_HOUR + 1 + jobs.size() + 4);
        assertThat(all).isLessThan(5000 / 5);
    }
}
