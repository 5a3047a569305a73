package dev.runnerscale.autoscaler.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runnerscale.autoscaler.testsupport.KubernetesTestServer;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KubernetesLeadershipTest {

    private final LeaderElectionProperties properties = new LeaderElectionProperties(
            true,
            "runnerscale-autoscaler",
            "runnerscale",
            "",
            Duration.ofSeconds(3),
            Duration.ofSeconds(2),
            Duration.ofMillis(300));
    private KubernetesTestServer server;
    private final List<KubernetesClient> clients = new CopyOnWriteArrayList<>();
    private final List<String> changes = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        server = new KubernetesTestServer();
    }

    @AfterEach
    void stop() {
        clients.forEach(KubernetesClient::close);
        server.close();
    }

    private KubernetesLeadership replica(String identity) {
        KubernetesClient client = server.client();
        clients.add(client);
        return new KubernetesLeadership(
                client, properties, identity, change -> changes.add(identity + ":" + change.leader()));
    }

    @Test
    void exactlyOneReplicaLeadsAndAFollowerTakesOverWhenTheLeaderStops() {
        KubernetesLeadership a = replica("replica-a");
        KubernetesLeadership b = replica("replica-b");
        a.start();
        await().until(a::isLeader);
        b.start();

        Lease lease = clients.get(0)
                .leases()
                .inNamespace("runnerscale")
                .withName("runnerscale-autoscaler")
                .get();
        assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("replica-a");
        await().during(Duration.ofMillis(900)).until(() -> a.isLeader() && !b.isLeader());

        a.stop(); // stops renewing and hands the lease back; at worst it expires after its duration

        await().atMost(Duration.ofSeconds(10)).until(b::isLeader);
        assertThat(a.isLeader()).isFalse();
        assertThat(changes).containsSubsequence("replica-a:true", "replica-a:false", "replica-b:true");
        b.stop();
    }

    @Test
    void alwaysLeaderLeadsWithoutElection() {
        assertThat(new AlwaysLeader().isLeader()).isTrue();
    }
}
