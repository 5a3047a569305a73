package dev.runnerscale.taskapi.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.taskapi.testsupport.ApiClient;
import dev.runnerscale.taskapi.testsupport.ApiTest;
import dev.runnerscale.taskapi.tokens.Scope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The out-of-order rules as a table: each scenario is three writes to one task; all six arrival orders must end
 * in the same state, the one the documented rule names, and every write gets a definite answer (2xx or 409).
 */
class WriteOrderScenariosTest extends ApiTest {

    private static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");

    enum Op {
        CREATE,
        REPLACE,
        DELETE
    }

    record Write(Op op, int second, String title) {
        static Write create(int second, String title) {
            return new Write(Op.CREATE, second, title);
        }

        static Write replace(int second, String title) {
            return new Write(Op.REPLACE, second, title);
        }

        static Write delete(int second) {
            return new Write(Op.DELETE, second, "");
        }

        String timestamp() {
            return T0.plusSeconds(second).toString();
        }

        @Override
        public String toString() {
            return op + "@" + second + (op == Op.DELETE ? "" : "(" + title + ")");
        }
    }

    /** {@code expectedTitle == null} means the task ends deleted. */
    record Scenario(String name, List<Write> writes, String expectedTitle) {
        @Override
        public String toString() {
            return name + " " + writes + " -> " + (expectedTitle == null ? "deleted" : expectedTitle);
        }
    }

    static Stream<Scenario> scenarios() {
        return Stream.of(
                new Scenario(
                        "latest replace wins",
                        List.of(Write.create(1, "A"), Write.replace(2, "B"), Write.replace(3, "C")),
                        "C"),
                new Scenario(
                        "older replace after a delete does not resurrect",
                        List.of(Write.create(1, "A"), Write.replace(2, "B"), Write.delete(3)),
                        null),
                new Scenario(
                        "newer create after a delete resurrects",
                        List.of(Write.create(1, "A"), Write.delete(2), Write.create(3, "C")),
                        "C"),
                new Scenario(
                        "newer replace after a delete resurrects",
                        List.of(Write.create(1, "A"), Write.delete(2), Write.replace(3, "C")),
                        "C"),
                new Scenario(
                        "delete wins a timestamp tie with a replace",
                        List.of(Write.create(1, "A"), Write.replace(2, "B"), Write.delete(2)),
                        null),
                new Scenario(
                        "equal timestamps with different content: larger content hash wins",
                        List.of(Write.create(1, "A"), Write.replace(2, "B"), Write.replace(2, "C")),
                        tieWinner("B", "C")),
                new Scenario(
                        "replay of the same create is idempotent",
                        List.of(Write.create(1, "A"), Write.create(1, "A"), Write.replace(2, "B")),
                        "B"),
                new Scenario(
                        "replays of the winning write change nothing",
                        List.of(Write.create(1, "A"), Write.replace(3, "C"), Write.replace(3, "C")),
                        "C"),
                new Scenario(
                        "two deletes and an older create stay deleted",
                        List.of(Write.create(1, "A"), Write.delete(2), Write.delete(3)),
                        null));
    }

    private String token;

    @BeforeEach
    void owner() {
        token = token("alice", Scope.TASKS_READ, Scope.TASKS_WRITE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void everyArrivalOrderEndsInTheStateOfTheWinningWrite(Scenario scenario) {
        List<String> finalStates = new ArrayList<>();
        for (List<Write> order : permutations(scenario.writes())) {
            UUID id = UUID.randomUUID();
            for (Write write : order) {
                ApiClient.Response response = send(id, write);
                assertThat(response.status()).as("%s in order %s", write, order).isIn(200, 201, 204, 409);
            }
            ApiClient.Response state = api.get("/tasks/" + id).token(token).send();
            finalStates.add(describe(state));
        }
        assertThat(finalStates).hasSize(6).containsOnly(expected(scenario));
    }

    private ApiClient.Response send(UUID id, Write write) {
        return switch (write.op()) {
            case CREATE ->
                api.post("/tasks")
                        .token(token)
                        .clientTimestamp(write.timestamp())
                        .json("{\"id\":\"" + id + "\",\"title\":\"" + write.title() + "\"}")
                        .send();
            case REPLACE ->
                api.put("/tasks/" + id)
                        .token(token)
                        .clientTimestamp(write.timestamp())
                        .json("{\"title\":\"" + write.title() + "\"}")
                        .send();
            case DELETE ->
                api.delete("/tasks/" + id)
                        .token(token)
                        .clientTimestamp(write.timestamp())
                        .send();
        };
    }

    private static String describe(ApiClient.Response state) {
        if (state.status() == 404) {
            return "deleted";
        }
        JsonNode task = state.json();
        return task.path("title").asString() + "@"
                + task.path("clientTimestamp").asString();
    }

    private static String expected(Scenario scenario) {
        if (scenario.expectedTitle() == null) {
            return "deleted";
        }
        Write winner = scenario.writes().stream()
                .filter(w -> w.op() != Op.DELETE && w.title().equals(scenario.expectedTitle()))
                .findFirst()
                .orElseThrow();
        return winner.title() + "@" + winner.timestamp();
    }

    /** The documented tie rule, computed independently of the server: compare the SHA-256 of the contents. */
    private static String tieWinner(String first, String second) {
        byte[] a = content(first).hash();
        byte[] b = content(second).hash();
        return Arrays.compareUnsigned(a, b) > 0 ? first : second;
    }

    private static TaskContent content(String title) {
        return new TaskContent(title, null, TaskStatus.TODO, TaskPriority.MEDIUM, null);
    }

    private static <T> List<List<T>> permutations(List<T> items) {
        if (items.size() <= 1) {
            return List.of(items);
        }
        List<List<T>> result = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            List<T> rest = new ArrayList<>(items);
            T head = rest.remove(i);
            for (List<T> tail : permutations(rest)) {
                List<T> permutation = new ArrayList<>();
                permutation.add(head);
                permutation.addAll(tail);
                result.add(permutation);
            }
        }
        return result;
    }
}
