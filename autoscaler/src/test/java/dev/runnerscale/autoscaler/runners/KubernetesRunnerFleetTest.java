package dev.runnerscale.autoscaler.runners;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import dev.runnerscale.autoscaler.testsupport.KubernetesTestServer;
import dev.runnerscale.autoscaler.testsupport.RunnerWorld;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The pods a scaling decision reads come from the informer's cache once it has synced: a reconcile pass, run up to
 * fifty times a second during a webhook storm, must not LIST pods from the API server each time.
 */
class KubernetesRunnerFleetTest {

    @Test
    void observedPodsComeFromTheSyncedInformerCacheFilteredByPoolAndWithoutALIST() {
        AtomicInteger podLists = new AtomicInteger();
        try (KubernetesTestServer server = new KubernetesTestServer((method, path, status) -> {
                    if (method.equals("GET") && path.contains("/pods") && !path.contains("watch=true")) {
                        podLists.incrementAndGet();
                    }
                });
                KubernetesClient client = server.client()) {
            Pool spot = RunnerWorld.pool("linux-x64-spot", "runners", 0, 10);
            Pool large = RunnerWorld.pool("linux-x64-large", "runners", 0, 10);
            KubernetesRunnerFleet fleet = new KubernetesRunnerFleet(client);
            fleet.createPod(RunnerPodFactory.desiredPod(spot, 0, "rs-spot-0", true));
            fleet.createPod(RunnerPodFactory.desiredPod(spot, 1, "rs-spot-1", true));
            fleet.createPod(RunnerPodFactory.desiredPod(large, 0, "rs-large-0", true));

            // no cache yet: the API server is asked
            int before = podLists.get();
            assertThat(fleet.observedPods(spot)).hasSize(2);
            assertThat(podLists.get()).isEqualTo(before + 1);

            SharedIndexInformer<Pod> informer = client.pods()
                    .inNamespace("runners")
                    .withLabel(RunnerPodFactory.MANAGED_BY_LABEL, RunnerPodFactory.MANAGED_BY)
                    .inform();
            try {
                fleet.cachePods("runners", informer);
                await().atMost(Duration.ofSeconds(10)).until(informer::hasSynced);
                int synced = podLists.get(); // the informer's own initial LIST
                for (int pass = 0; pass < 50; pass++) {
                    assertThat(fleet.observedPods(spot))
                            .extracting(p -> p.getMetadata().getName())
                            .containsExactlyInAnyOrder("linux-x64-spot-0", "linux-x64-spot-1");
                    assertThat(fleet.observedPods(large))
                            .extracting(p -> p.getMetadata().getName())
                            .containsExactly("linux-x64-large-0");
                }
                assertThat(podLists.get()).isEqualTo(synced);

                // a pod created meanwhile reaches the cache through the watch
                fleet.createPod(RunnerPodFactory.desiredPod(spot, 2, "rs-spot-2", true));
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> fleet.observedPods(spot).size() == 3);

                // the orphan sweep still asks the API server
                fleet.podsIn(spot.namespace());
                assertThat(podLists.get()).isEqualTo(synced + 1);

                // a cache whose watch has ended is not trusted: decisions ask the API server again
                informer.stop();
                await().atMost(Duration.ofSeconds(10)).until(() -> !informer.isWatching());
                assertThat(fleet.observedPods(spot)).hasSize(3);
                assertThat(podLists.get()).isEqualTo(synced + 2);
            } finally {
                fleet.dropPodCaches();
                informer.close();
            }
        }
    }
}
