package dev.runnerscale.taskapi.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.taskapi.testsupport.ApiClient;
import dev.runnerscale.taskapi.testsupport.ApiTest;
import dev.runnerscale.taskapi.tokens.Scope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class TaskApiTest extends ApiTest {

    private static final String T1 = "2026-11-21T12:00:00.001Z";
    private static final String T2 = "2026-11-21T12:00:00.002Z";
    private static final String T3 = "2026-11-21T12:00:00.003Z";

    private String alice;

    @BeforeEach
    void owner() {
        alice = token("alice", Scope.TASKS_READ, Scope.TASKS_WRITE);
    }

    private ApiClient.Response create(String json, String timestamp) {
        return api.post("/tasks")
                .token(alice)
                .clientTimestamp(timestamp)
                .json(json)
                .send();
    }

    @Nested
    class Crud {

        @Test
        void createsWithDefaultsAndReadsBack() {
            ApiClient.Response created = create(
                    "{\"title\":\"Write docs\",\"description\":\"all of them\",\"dueAt\":\"2026-12-01T10:00:00+02:00\"}",
                    T1);

            assertThat(created.status()).isEqualTo(201);
            JsonNode task = created.json();
            assertThat(created.header("Location"))
                    .isEqualTo("/tasks/" + task.path("id").asString());
            assertThat(task.path("status").asString()).isEqualTo("todo");
            assertThat(task.path("priority").asString()).isEqualTo("medium");
            assertThat(task.path("dueAt").asString()).isEqualTo("2026-12-01T08:00:00Z");
            assertThat(task.path("clientTimestamp").asString()).isEqualTo(T1);

            ApiClient.Response read =
                    api.get("/tasks/" + task.path("id").asString()).token(alice).send();
            assertThat(read.status()).isEqualTo(200);
            assertThat(read.json()).isEqualTo(task);
        }

        @Test
        void replaceAnswers200AndKeepsCreationTime() {
            JsonNode created = create("{\"title\":\"A\"}", T1).json();
            String id = created.path("id").asString();

            ApiClient.Response replaced = api.put("/tasks/" + id)
                    .token(alice)
                    .clientTimestamp(T2)
                    .json("{\"title\":\"B\",\"status\":\"in_progress\",\"priority\":\"high\"}")
                    .send();

            assertThat(replaced.status()).isEqualTo(200);
            assertThat(replaced.json().path("title").asString()).isEqualTo("B");
            assertThat(replaced.json().path("status").asString()).isEqualTo("in_progress");
            assertThat(replaced.json().path("createdAt")).isEqualTo(created.path("createdAt"));
        }

        @Test
        void deleteAnswers204ThenTheTaskIsGone() {
            String id = create("{\"title\":\"A\"}", T1).json().path("id").asString();

            assertThat(api.delete("/tasks/" + id)
                            .token(alice)
                            .clientTimestamp(T2)
                            .send()
                            .status())
                    .isEqualTo(204);
            assertThat(api.get("/tasks/" + id).token(alice).send().isProblem(404))
                    .isTrue();
            assertThat(api.get("/tasks")
                            .token(alice)
                            .send()
                            .json()
                            .path("items")
                            .size())
                    .isZero();
        }

        @Test
        void replaceOfAnUnknownIdCreatesIt() {
            UUID id = UUID.randomUUID();
            ApiClient.Response response = api.put("/tasks/" + id)
                    .token(alice)
                    .clientTimestamp(T1)
                    .json("{\"title\":\"A\"}")
                    .send();
            assertThat(response.status()).isEqualTo(201);
        }
    }

    @Nested
    class OutOfOrderWrites {

        @Test
        void olderWriteAnswers409WithTheCurrentTaskAndChangesNothing() {
            UUID id = UUID.randomUUID();
            create("{\"id\":\"" + id + "\",\"title\":\"new\"}", T2);

            ApiClient.Response stale = api.put("/tasks/" + id)
                    .token(alice)
                    .clientTimestamp(T1)
                    .json("{\"title\":\"old\"}")
                    .send();

            assertThat(stale.isProblem(409)).isTrue();
            assertThat(stale.json().path("type").asString()).endsWith("/stale-write");
            assertThat(stale.json().path("current").path("title").asString()).isEqualTo("new");
            assertThat(api.get("/tasks/" + id)
                            .token(alice)
                            .send()
                            .json()
                            .path("title")
                            .asString())
                    .isEqualTo("new");
        }

        @Test
        void olderWriteAfterADeleteAnswers409WithTheTombstone() {
            UUID id = UUID.randomUUID();
            create("{\"id\":\"" + id + "\",\"title\":\"A\"}", T1);
            api.delete("/tasks/" + id).token(alice).clientTimestamp(T3).send();

            ApiClient.Response stale = api.put("/tasks/" + id)
                    .token(alice)
                    .clientTimestamp(T2)
                    .json("{\"title\":\"B\"}")
                    .send();

            assertThat(stale.isProblem(409)).isTrue();
            JsonNode tombstone = stale.json().path("current");
            assertThat(tombstone.path("deleted").asBoolean()).isTrue();
            assertThat(tombstone.path("clientTimestamp").asString()).isEqualTo(T3);
        }

        @Test
        void replayOfACreateAnswersExactlyAsTheFirstTime() {
            String body = "{\"id\":\"" + UUID.randomUUID() + "\",\"title\":\"A\"}";
            ApiClient.Response first = create(body, T1);
            ApiClient.Response replay = create(body, T1);

            assertThat(first.status()).isEqualTo(201);
            assertThat(replay.status()).isEqualTo(201);
            assertThat(replay.body()).isEqualTo(first.body());
            assertThat(replay.header("Location")).isEqualTo(first.header("Location"));
            assertThat(taskRows()).isOne();
        }

        @Test
        void replayOfAReplaceAndOfADeleteAnswerAsTheFirstTime() {
            UUID id = UUID.randomUUID();
            create("{\"id\":\"" + id + "\",\"title\":\"A\"}", T1);
            ApiClient.Response put1 = api.put("/tasks/" + id)
                    .token(alice)
                    .clientTimestamp(T2)
                    .json("{\"title\":\"B\"}")
                    .send();
            ApiClient.Response put2 = api.put("/tasks/" + id)
                    .token(alice)
                    .clientTimestamp(T2)
                    .json("{\"title\":\"B\"}")
                    .send();
            assertThat(put2.status()).isEqualTo(put1.status()).isEqualTo(200);
            assertThat(put2.body()).isEqualTo(put1.body());

            ApiClient.Response delete1 =
                    api.delete("/tasks/" + id).token(alice).clientTimestamp(T3).send();
            ApiClient.Response delete2 =
                    api.delete("/tasks/" + id).token(alice).clientTimestamp(T3).send();
            assertThat(delete1.status()).isEqualTo(204);
            assertThat(delete2.status()).isEqualTo(204);
        }

        @Test
        void sameTimestampWithDifferentContentIsDecidedByContentHashNotArrivalOrder() {
            UUID id = UUID.randomUUID();
            ApiClient.Response x = create("{\"id\":\"" + id + "\",\"title\":\"X\"}", T1);
            ApiClient.Response y = create("{\"id\":\"" + id + "\",\"title\":\"Y\"}", T1);

            String winner = java.util.Arrays.compareUnsigned(
                                    content("X").hash(), content("Y").hash())
                            > 0
                    ? "X"
                    : "Y";
            assertThat(api.get("/tasks/" + id)
                            .token(alice)
                            .send()
                            .json()
                            .path("title")
                            .asString())
                    .isEqualTo(winner);
            assertThat(winner.equals("Y") ? y.status() : x.status()).isEqualTo(winner.equals("Y") ? 200 : 201);
        }

        private TaskContent content(String title) {
            return new TaskContent(title, null, TaskStatus.TODO, TaskPriority.MEDIUM, null);
        }
    }

    @Nested
    class Listing {

        @Test
        void pagesThroughEveryTaskOnceWithACursor() {
            for (int i = 0; i < 7; i++) {
                create("{\"title\":\"t" + i + "\"}", T1);
            }
            Set<String> seen = new HashSet<>();
            List<Integer> pageSizes = new ArrayList<>();
            String cursor = null;
            do {
                String path = "/tasks?limit=3" + (cursor == null ? "" : "&cursor=" + cursor);
                JsonNode page = api.get(path).token(alice).send().json();
                pageSizes.add(page.path("items").size());
                page.path("items").forEach(task -> seen.add(task.path("id").asString()));
                cursor = page.path("nextCursor").isNull()
                        ? null
                        : page.path("nextCursor").asString();
            } while (cursor != null);

            assertThat(seen).hasSize(7);
            assertThat(pageSizes).containsExactly(3, 3, 1);
        }

        @Test
        void filtersByStatusAndSortsByDueDateWithUndatedLast() {
            create("{\"title\":\"late\",\"dueAt\":\"2027-01-02T00:00:00Z\"}", T1);
            create("{\"title\":\"none\"}", T1);
            create("{\"title\":\"early\",\"dueAt\":\"2027-01-01T00:00:00Z\"}", T1);
            create("{\"title\":\"finished\",\"status\":\"done\",\"dueAt\":\"2026-01-01T00:00:00Z\"}", T1);

            JsonNode open =
                    api.get("/tasks?status=todo&sort=due").token(alice).send().json();
            assertThat(titles(open)).containsExactly("early", "late", "none");

            JsonNode desc = api.get("/tasks?status=todo&sort=due&direction=desc&limit=1")
                    .token(alice)
                    .send()
                    .json();
            assertThat(titles(desc)).containsExactly("none");
            JsonNode next = api.get("/tasks?status=todo&sort=due&direction=desc&limit=5&cursor="
                            + desc.path("nextCursor").asString())
                    .token(alice)
                    .send()
                    .json();
            assertThat(titles(next)).containsExactly("late", "early");

            JsonNode done = api.get("/tasks?status=done").token(alice).send().json();
            assertThat(titles(done)).containsExactly("finished");
        }

        @Test
        void sortsByUpdateTime() {
            String first = create("{\"title\":\"first\"}", T1).json().path("id").asString();
            create("{\"title\":\"second\"}", T1);
            api.put("/tasks/" + first)
                    .token(alice)
                    .clientTimestamp(T2)
                    .json("{\"title\":\"first again\"}")
                    .send();

            JsonNode page = api.get("/tasks?sort=updated").token(alice).send().json();
            assertThat(titles(page)).containsExactly("second", "first again");
        }

        @Test
        void aCursorOfAnotherSortOrderIsRejected() {
            for (int i = 0; i < 2; i++) {
                create("{\"title\":\"t" + i + "\"}", T1);
            }
            String cursor = api.get("/tasks?limit=1")
                    .token(alice)
                    .send()
                    .json()
                    .path("nextCursor")
                    .asString();
            ApiClient.Response response =
                    api.get("/tasks?sort=due&cursor=" + cursor).token(alice).send();
            assertThat(response.isProblem(400)).isTrue();
        }

        private List<String> titles(JsonNode page) {
            List<String> titles = new ArrayList<>();
            page.path("items").forEach(task -> titles.add(task.path("title").asString()));
            return titles;
        }
    }

    @Test
    void clientTimestampsAreStoredWithMillisecondsAndAnyOffset() {
        ApiClient.Response created = create("{\"title\":\"A\"}", "2026-11-21T13:00:00.250+01:00");
        assertThat(created.json().path("clientTimestamp").asString()).isEqualTo("2026-11-21T12:00:00.250Z");
        assertThat(Instant.parse(created.json().path("createdAt").asString())).isNotNull();
    }
}
