package dev.runnerscale.autoscaler.runners;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runnerscale.autoscaler.testsupport.KubernetesTestServer;
import dev.runnerscale.autoscaler.testsupport.MutableClock;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RunnerEventsTest {

    private final KubernetesTestServer server = new KubernetesTestServer();
    private final KubernetesClient client = server.client();
    private final MutableClock clock = MutableClock.ticking();
    private final RunnerEvents events = new RunnerEvents(client, clock, Duration.ofMinutes(10));

    @AfterEach
    void close() {
        events.close();
        client.close();
        server.close();
    }

    private Pod pod() {
        return client.pods()
                .inNamespace("events")
                .resource(new PodBuilder()
                        .withNewMetadata()
                        .withName("linux-0")
                        .withNamespace("events")
                        .endMetadata()
                        .build())
                .create();
    }

    private List<Event> events() {
        return client.v1().events().inNamespace("events").list().getItems();
    }

    @Test
    void theSameReasonOnTheSamePodWithinTheWindowIncrementsOneEvent() {
        Pod pod = pod();

        events.record(pod, RunnerEvents.WARNING, "RunnerFailed", "failed");
        events.record(pod, RunnerEvents.WARNING, "RunnerFailed", "failed again");
        events.record(pod, RunnerEvents.NORMAL, "ScaleUp", "created");

        await().until(() ->
                events().size() == 2 && events().stream().anyMatch(e -> e.getCount() != null && e.getCount() == 2));
        Event failed = events().stream()
                .filter(e -> e.getReason().equals("RunnerFailed"))
                .findFirst()
                .orElseThrow();
        assertThat(failed.getInvolvedObject().getName()).isEqualTo("linux-0");
        assertThat(failed.getInvolvedObject().getUid())
                .isEqualTo(pod.getMetadata().getUid());
        assertThat(failed.getType()).isEqualTo("Warning");
        assertThat(failed.getMessage()).isEqualTo("failed again");
    }

    @Test
    void aRepeatAfterTheWindowIsANewEvent() {
        Pod pod = pod();

        events.record(pod, RunnerEvents.WARNING, "RunnerFailed", "failed");
        await().until(() -> events().size() == 1);
        clock.advance(Duration.ofMinutes(11));
        events.record(pod, RunnerEvents.WARNING, "RunnerFailed", "failed later");

        await().until(() -> events().size() == 2);
        assertThat(events()).allSatisfy(e -> assertThat(e.getCount()).isEqualTo(1));
    }
}
