package dev.runnerscale.taskapi.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.taskapi.TaskApiApplication;
import dev.runnerscale.taskapi.testsupport.ApiClient;
import dev.runnerscale.taskapi.testsupport.EmbeddedDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Horizontal scaling: two application instances on one database take shuffled, timestamped writes from many
 * threads (one instance is restarted half-way). Per task, the final state must be the greatest write whatever
 * the arrival order, and every write must get a definite answer.
 */
class TwoInstancesConcurrencyTest {

    private static final String BOOTSTRAP = "tapi_two-instances-bootstrap-0123456789abcdef";
    private static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");
    private static final int TASKS = 30;
    private static final int WRITES_PER_TASK = 12;
    private static final int THREADS = 16;

    enum Kind {
        CREATE,
        REPLACE,
        DELETE
    }

    record Write(UUID task, Kind kind, Instant timestamp, String title) {

        byte[] version() {
            return kind == Kind.DELETE
                    ? TaskContent.DELETE_HASH
                    : new TaskContent(title, null, TaskStatus.TODO, TaskPriority.MEDIUM, null).hash();
        }

        ApiClient.Response send(ApiClient api, String token) {
            return switch (kind) {
                case CREATE ->
                    api.post("/tasks")
                            .token(token)
                            .clientTimestamp(timestamp.toString())
                            .json("{\"id\":\"" + task + "\",\"title\":\"" + title + "\"}")
                            .send();
                case REPLACE ->
                    api.put("/tasks/" + task)
                            .token(token)
                            .clientTimestamp(timestamp.toString())
                            .json("{\"title\":\"" + title + "\"}")
                            .send();
                case DELETE ->
                    api.delete("/tasks/" + task)
                            .token(token)
                            .clientTimestamp(timestamp.toString())
                            .send();
            };
        }
    }

    private static final Comparator<Write> BY_VERSION =
            Comparator.comparing(Write::timestamp).thenComparing(Write::version, Arrays::compareUnsigned);

    private static ConfigurableApplicationContext startInstance() {
        Map<String, Object> database = EmbeddedDatabase.springProperties("taskapi_two_instances");
        // No logging overrides: the logging system is one per JVM, and lowering it here would silence the other
        // test classes' shared context (StructuredLoggingTest reads its log lines).
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--management.server.port=0",
                "--taskapi.bootstrap-token=" + BOOTSTRAP,
                "--spring.jmx.enabled=false",
                "--spring.main.banner-mode=off",
                "--spring.datasource.hikari.maximum-pool-size=5"));
        database.forEach((key, value) -> args.add("--" + key + "=" + value));
        return new SpringApplicationBuilder(TaskApiApplication.class).run(args.toArray(String[]::new));
    }

    private static ApiClient client(ConfigurableApplicationContext context) {
        return new ApiClient(
                ((WebServerApplicationContext) context).getWebServer().getPort());
    }

    @Test
    void shuffledWritesFromManyThreadsToTwoInstancesEndInTheGreatestWritePerTask() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<Write> writes = new ArrayList<>();
        for (int t = 0; t < TASKS; t++) {
            UUID task = UUID.randomUUID();
            for (int w = 0; w < WRITES_PER_TASK; w++) {
                // Few distinct milliseconds per task, so equal timestamps (decided by content hash) occur often.
                Instant timestamp = T0.plusMillis(random.nextInt(8));
                int dice = random.nextInt(10);
                Kind kind = dice < 2 ? Kind.DELETE : dice < 5 ? Kind.CREATE : Kind.REPLACE;
                writes.add(new Write(task, kind, timestamp, "t" + t + "-w" + w));
            }
        }
        // Clients retry: some writes are sent twice (a replay must be harmless).
        List<Write> sends = new ArrayList<>(writes);
        for (int i = 0; i < writes.size(); i += 7) {
            sends.add(writes.get(i));
        }
        Collections.shuffle(sends, random);

        ConfigurableApplicationContext a = startInstance();
        ConfigurableApplicationContext b = startInstance();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            JsonNode minted = client(a)
                    .post("/admin/tokens")
                    .token(BOOTSTRAP)
                    .json("{\"owner\":\"load\",\"scopes\":[\"tasks:read\",\"tasks:write\"]}")
                    .send()
                    .json();
            String token = minted.path("token").asString();
            Map<Write, List<ApiClient.Response>> answers = new ConcurrentHashMap<>();

            int half = sends.size() / 2;
            send(pool, sends.subList(0, half), List.of(client(a), client(b)), token, answers);
            // Restart one instance in the middle of the work: nothing it answered may be lost.
            b.close();
            b = startInstance();
            send(pool, sends.subList(half, sends.size()), List.of(client(a), client(b)), token, answers);

            assertThat(answers.keySet()).hasSameSizeAs(writes);
            answers.forEach((write, responses) -> responses.forEach(response -> {
                assertThat(response.status())
                        .as("%s -> %s (seed %d)", write, response, seed)
                        .isIn(200, 201, 204, 409);
                if (response.status() == 409) {
                    Instant current = Instant.parse(response.json()
                            .path("current")
                            .path("clientTimestamp")
                            .asString());
                    assertThat(current)
                            .as("a 409 names a write at least as late")
                            .isAfterOrEqualTo(write.timestamp());
                }
            }));

            Map<UUID, Write> winners = new ConcurrentHashMap<>();
            for (Write write : writes) {
                winners.merge(write.task(), write, (x, y) -> BY_VERSION.compare(x, y) >= 0 ? x : y);
            }
            for (Write winner : winners.values()) {
                assertThat(answers.get(winner).get(0).status())
                        .as("the greatest write is never refused: %s", winner)
                        .isIn(200, 201, 204);
                for (ApiClient api : List.of(client(a), client(b))) {
                    ApiClient.Response state =
                            api.get("/tasks/" + winner.task()).token(token).send();
                    if (winner.kind() == Kind.DELETE) {
                        assertThat(state.status())
                                .as("%s (seed %d)", winner, seed)
                                .isEqualTo(404);
                    } else {
                        JsonNode task = state.json();
                        assertThat(task.path("title").asString())
                                .as("%s (seed %d)", winner, seed)
                                .isEqualTo(winner.title());
                        assertThat(Instant.parse(task.path("clientTimestamp").asString()))
                                .isEqualTo(winner.timestamp());
                    }
                }
            }

            // A revocation through one instance holds on the other at once: no instance caches tokens.
            assertThat(client(a)
                            .delete("/admin/tokens/" + minted.path("id").asString())
                            .token(BOOTSTRAP)
                            .send()
                            .status())
                    .isEqualTo(204);
            for (ApiClient api : List.of(client(b), client(a))) {
                ApiClient.Response refused = api.get("/tasks").token(token).send();
                assertThat(refused.isProblem(401)).as(refused.toString()).isTrue();
            }
        } finally {
            pool.shutdownNow();
            a.close();
            b.close();
        }
    }

    private static void send(
            ExecutorService pool,
            List<Write> sends,
            List<ApiClient> instances,
            String token,
            Map<Write, List<ApiClient.Response>> answers)
            throws Exception {
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < sends.size(); i++) {
            Write write = sends.get(i);
            ApiClient api = instances.get(i % instances.size());
            futures.add(pool.submit(
                    () -> answers.computeIfAbsent(write, w -> Collections.synchronizedList(new ArrayList<>()))
                            .add(write.send(api, token))));
        }
        for (Future<?> future : futures) {
            future.get();
        }
    }
}
