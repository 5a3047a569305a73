package dev.runnerscale.autoscaler.runners;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import dev.runnerscale.autoscaler.testsupport.FleetWorld;
import dev.runnerscale.autoscaler.testsupport.GitHubRunnerFake.Operation;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock;
import dev.runnerscale.autoscaler.testsupport.KubernetesTestServer;
import dev.runnerscale.autoscaler.testsupport.TestPools;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A GitHub sync as the loop runs it: the scope's runner listing is taken off the pass's thread (pages of 100 at
 * GitHub's latency must not hold back pod creation), and the pass after its arrival reads pods and Secrets from the
 * API server once per namespace for the lost-Secret check and the orphan sweep of every pool, not once per pool.
 */
class GitHubSyncPassTest {

    @RegisterExtension
    static final GitHubWireMock gitHub = new GitHubWireMock();

    /**
     * Collection reads (not watches) of runner pods and Secrets per namespace, as the API server received them: those
     * with the runner label selector (the test kubelets list their namespace without one).
     */
    private final Map<String, AtomicInteger> lists = new ConcurrentHashMap<>();

    private final KubernetesTestServer server = new KubernetesTestServer((method, path, status) -> {
        if (method.equals("GET") && !path.contains("watch=true") && path.contains("labelSelector=")) {
            String[] parts = path.split("\\?")[0].split("/");
            // /api/v1/namespaces/<ns>/pods or /secrets (a collection, not one object)
            if (parts.length == 6 && (parts[5].equals("pods") || parts[5].equals("secrets"))) {
                lists.computeIfAbsent(parts[4] + "/" + parts[5], k -> new AtomicInteger())
                        .incrementAndGet();
            }
        }
    });

    private FleetWorld world;

    /** Three pools in one namespace, one in another, all of organisation acme. */
    private static List<Pool> fleet(FleetWorld w) {
        String a = w.namespace("sync-a");
        String b = w.namespace("sync-b");
        return List.of(pool("small", a), pool("medium", a), pool("large", a), pool("other", b));
    }

    private static Pool pool(String name, String namespace) {
        return TestPools.pool(
                "name",
                name,
                "namespace",
                namespace,
                "labels",
                "self-hosted,linux," + name,
                "github.owner",
                "acme",
                "max",
                "3");
    }

    @AfterEach
    void close() {
        if (world != null) {
            world.close();
        }
        server.close();
    }

    /** Runs nothing until the test says so: a listing that is still under way. */
    private static final class HeldExecutor implements Executor {
        final ConcurrentLinkedQueue<Runnable> held = new ConcurrentLinkedQueue<>();

        @Override
        public void execute(Runnable task) {
            held.add(task);
        }

        void runAll() {
            for (Runnable task; (task = held.poll()) != null; ) {
                task.run();
            }
        }
    }

    @Test
    void aListingUnderWayHoldsBackNoPodAndThePassAfterItsArrivalSweepsWithIt() {
        world = new FleetWorld(server, gitHub, GitHubSyncPassTest::fleet);
        FleetWorld.Replica replica = world.drivenReplica();
        HeldExecutor listing = new HeldExecutor();
        AtomicInteger arrivals = new AtomicInteger();
        replica.reconciler.listGitHubOn(listing, arrivals::incrementAndGet);
        // a runner of ours GitHub still lists whose pod is long gone (its job ended while we were away)
        String orphan = "rs-small-2-zzzzz";
        world.github.register(world.scope("small"), orphan, List.of("self-hosted", "linux", "small"), false);

        world.queue("small", 2);
        replica.pass();
        // the listing is under way: the pass created and registered the pods all the same
        assertThat(listing.held).hasSize(1);
        assertThat(world.github.requests(world.scope("small"), Operation.LIST_RUNNERS))
                .isZero();
        assertThat(world.pods("small")).hasSize(2);
        assertThat(world.registered("small")).hasSize(3).contains(orphan);

        // passes meanwhile start no second listing of the scope, and sweep nothing without one
        replica.pass();
        replica.pass();
        assertThat(listing.held).hasSize(1);
        assertThat(world.registered("small")).contains(orphan);

        listing.runAll(); // the listing arrives
        assertThat(arrivals).hasValue(1);
        assertThat(world.github.requests(world.scope("small"), Operation.LIST_RUNNERS))
                .isEqualTo(1);
        assertThat(world.registered("small")).contains(orphan); // the pass sweeps, not the listing

        replica.pass();
        assertThat(world.registered("small"))
                .doesNotContain(orphan)
                .containsExactlyInAnyOrderElementsOf(
                        world.pods("small").stream().map(FleetWorld::runnerName).toList());
        assertThat(world.github.requests(world.scope("small"), Operation.DELETE_RUNNER))
                .isEqualTo(1);
    }

    @Test
    void aSyncedPassReadsPodsAndSecretsOncePerNamespaceForEveryPool() {
        world = new FleetWorld(server, gitHub, GitHubSyncPassTest::fleet);
        world.kubelet("medium").holdPending(true); // its pods wait for a node, registered, their Secrets mounted later
        FleetWorld.Replica replica = world.drivenReplica();
        for (String pool : List.of("small", "medium", "large", "other")) {
            world.queue(pool, 2);
        }
        replica.pass();
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> world.pods("medium").size() == 2
                        && world.registered("medium").size() == 2);
        String a = world.pool("small").namespace();
        String b = world.pool("other").namespace();
        // a lost JIT Secret: the pass re-registers its pending pod, so it must have read the pool's Secrets
        String lost = world.pods("medium").get(0).getMetadata().getName();
        world.client.secrets().inNamespace(a).withName(lost + "-jit").delete();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !jitSecretExists(a, lost));

        lists.clear();
        replica.pass(); // the sync interval is 0 here: this pass lists GitHub inside it and syncs every pool

        assertThat(lists)
                .containsOnlyKeys(a + "/pods", a + "/secrets", b + "/pods", b + "/secrets")
                .allSatisfy((path, count) -> assertThat(count.get())
                        .as("reads of %s in one synced pass over four pools", path)
                        .isEqualTo(1));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> jitSecretExists(a, lost));
    }

    private boolean jitSecretExists(String namespace, String podName) {
        return world.client
                        .secrets()
                        .inNamespace(namespace)
                        .withName(podName + "-jit")
                        .get()
                != null;
    }
}
