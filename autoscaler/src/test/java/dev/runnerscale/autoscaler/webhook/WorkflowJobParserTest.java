package dev.runnerscale.autoscaler.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnerscale.autoscaler.jobs.JobObservation;
import dev.runnerscale.autoscaler.jobs.JobStatus;
import dev.runnerscale.autoscaler.testsupport.Payloads;
import dev.runnerscale.autoscaler.testsupport.SharedReference;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Parsing offline, against GitHub's real example payloads and the project's own fixtures. */
class WorkflowJobParserTest {

    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private final WorkflowJobParser parser =
            new WorkflowJobParser(JsonMapper.builder().build());

    private WorkflowJobEvent parseShared(String file) {
        byte[] body = SharedReference.read("github/webhooks/" + file).getBytes(StandardCharsets.UTF_8);
        return ((WorkflowJobParser.Parsed) parser.parse(body, body.length, "d1", NOW)).event();
    }

    @Nested
    class RealPayloads {

        @Test
        void queued() {
            WorkflowJobEvent event = parseShared("workflow_job.queued.payload.json");
            JobObservation o = event.observation();
            assertThat(event.action()).isEqualTo("queued");
            assertThat(o.status()).isEqualTo(JobStatus.QUEUED);
            assertThat(o.labels()).containsExactly("ubuntu-latest");
            assertThat(o.createdAt()).isEqualTo(Instant.parse("2021-09-13T02:21:13Z"));
            // this example is inconsistent (owner Octocoders, full name Codertocat/...): the owner is owner.login
            assertThat(event.owner()).isEqualTo("Octocoders");
            assertThat(event.fullName()).isEqualTo("Codertocat/Hello-World");
            assertThat(event.publicRepository()).isTrue();
            assertThat(o.deliveryId()).isEqualTo("d1");
            assertThat(o.receivedAt()).isEqualTo(NOW);
        }

        @Test
        void queuedWithADeploymentIsWaiting() {
            JobObservation o = parseShared("workflow_job.queued.with-deployment.payload.json")
                    .observation();
            assertThat(o.status()).isEqualTo(JobStatus.WAITING);
            assertThat(o.labels()).containsExactly("self-hosted", "k8s");
            assertThat(o.workflowName()).isEqualTo("Env Test");
        }

        @Test
        void completedCarriesConclusionTimesAndRunner() {
            JobObservation o = parseShared("workflow_job.completed.failure.with-organization.payload.json")
                    .observation();
            assertThat(o.status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(o.conclusion()).isEqualTo("failure");
            assertThat(o.startedAt()).isEqualTo(Instant.parse("2021-08-05T10:34:58Z"));
            assertThat(o.completedAt()).isEqualTo(Instant.parse("2021-08-05T10:38:16Z"));
            assertThat(o.runnerId()).isEqualTo(5L);
            assertThat(o.runnerName()).isEqualTo("GitHub Actions 5");
        }

        @Test
        void everyExampleParses() {
            for (String file : List.of(
                    "workflow_job.waiting.payload.json",
                    "workflow_job.in_progress.payload.json",
                    "workflow_job.in_progress.with-queued-steps.payload.json",
                    "workflow_job.completed.success.with-organization.payload.json")) {
                assertThat(parseShared(file).observation().jobId()).as(file).isPositive();
            }
        }
    }

    @Nested
    class OwnFixtures {

        @Test
        void anUnknownActionIsIgnoredWithoutRequiringTheRest() {
            byte[] body = "{\"action\":\"requested\"}".getBytes(StandardCharsets.UTF_8);
            assertThat(parser.parse(body, body.length, "d", NOW)).isEqualTo(new WorkflowJobParser.Ignored("requested"));
        }

        @Test
        void visibilityWinsOverThePrivateFlag() {
            tools.jackson.databind.node.ObjectNode root = Payloads.job(1).node();
            root.withObject("/repository").put("private", true).put("visibility", "public");
            byte[] body = root.toString().getBytes(StandardCharsets.UTF_8);
            WorkflowJobEvent event = ((WorkflowJobParser.Parsed) parser.parse(body, body.length, "d", NOW)).event();
            assertThat(event.publicRepository()).isTrue();
        }

        @Test
        void onlyTheGivenLengthOfTheBufferIsRead() {
            byte[] body = Payloads.job(7).bytes();
            byte[] padded = java.util.Arrays.copyOf(body, body.length + 10);
            assertThat(((WorkflowJobParser.Parsed) parser.parse(padded, body.length, "d", NOW))
                            .event()
                            .observation()
                            .jobId())
                    .isEqualTo(7);
        }

        @Test
        void trailingGarbageAndNonObjectsAreInvalid() {
            for (String text : List.of("[]", "{} {}", "\"x\"", "", "{\"action\": 1}")) {
                byte[] body = text.getBytes(StandardCharsets.UTF_8);
                assertThatThrownBy(() -> parser.parse(body, body.length, "d", NOW))
                        .as(text)
                        .isInstanceOf(WebhookRejectedException.class);
            }
        }
    }
}
