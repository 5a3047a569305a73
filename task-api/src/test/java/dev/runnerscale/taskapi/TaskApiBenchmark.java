package dev.runnerscale.taskapi;

import dev.runnerscale.taskapi.testsupport.EmbeddedDatabase;
import dev.runnerscale.taskapi.testsupport.RawHttpConnection;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * Loopback load on the real application over embedded PostgreSQL with durable commits (synchronous_commit=on,
 * fsync=on). Each scenario is bounded by a request count and a time limit and prints requests/s, p50 and p99.
 *
 * <pre>
 * ./mvnw -B -q -pl task-api test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.runnerscale.taskapi.TaskApiBenchmark [-Dbench.requests=20000] [-Dbench.threads=16]
 * </pre>
 */
public final class TaskApiBenchmark {

    private static final String BOOTSTRAP = "tapi_benchmark-bootstrap-0123456789abcdef";
    private static final int REQUESTS = Integer.getInteger("bench.requests", 20_000);
    private static final int THREADS = Integer.getInteger("bench.threads", 16);
    private static final Duration TIME_LIMIT = Duration.ofSeconds(Long.getLong("bench.seconds", 30));
    private static final int TASKS = Integer.getInteger("bench.tasks", 5_000);

    private final int port;
    private final String authorization;
    // One keep-alive connection per client thread.
    private final ThreadLocal<RawHttpConnection> connection;
    // The same client threads (and so the same connections) serve every scenario.
    private final ExecutorService clients = Executors.newFixedThreadPool(THREADS);
    // Client timestamps an hour in the past, so every one is within the allowed clock skew.
    // (Milliseconds only: the API refuses finer precision.)
    private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).minus(Duration.ofHours(1));
    private final AtomicInteger inOrderClock = new AtomicInteger(1_000);

    private TaskApiBenchmark(int port, String token) {
        this.port = port;
        this.authorization = "Authorization: Bearer " + token + "\r\n";
        this.connection = ThreadLocal.withInitial(() -> new RawHttpConnection("127.0.0.1", port));
    }

    public static void main(String[] args) throws Exception {
        Map<String, Object> database = EmbeddedDatabase.springProperties("taskapi_benchmark");
        List<String> appArgs = new ArrayList<>(List.of(
                "--server.port=0",
                "--management.server.port=0",
                "--taskapi.bootstrap-token=" + BOOTSTRAP,
                "--spring.main.banner-mode=off"));
        database.forEach((key, value) -> appArgs.add("--" + key + "=" + value));
        ConfigurableApplicationContext app =
                new SpringApplicationBuilder(TaskApiApplication.class).run(appArgs.toArray(String[]::new));
        try {
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            TaskApiBenchmark benchmark = new TaskApiBenchmark(port, mintToken("http://127.0.0.1:" + port));
            try {
                benchmark.run();
            } finally {
                benchmark.clients.shutdownNow();
            }
        } finally {
            app.close();
            EmbeddedDatabase.stop();
        }
    }

    private static String mintToken(String base) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(base + "/admin/tokens"))
                                .header("Authorization", "Bearer " + BOOTSTRAP)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"owner\":\"bench\",\"scopes\":[\"tasks:read\",\"tasks:write\"]}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return JsonMapper.builder()
                .build()
                .readTree(response.body())
                .path("token")
                .asString();
    }

    private void run() throws Exception {
        System.out.printf(
                Locale.ROOT,
                "Task API benchmark: %d cores, %d client threads, up to %d requests or %ds per scenario%n",
                Runtime.getRuntime().availableProcessors(),
                THREADS,
                REQUESTS,
                TIME_LIMIT.toSeconds());
        UUID[] ids = new UUID[TASKS];
        for (int i = 0; i < TASKS; i++) {
            ids[i] = UUID.randomUUID();
        }
        // Warm-up (not reported): JIT, connection pools, caches.
        scenario("warm-up", 5_000, i -> write("POST", "/tasks", t0, createBody(UUID.randomUUID(), i)), false);
        scenario("warm-up", 5_000, i -> get("/tasks?limit=20"), false);

        AtomicInteger created = new AtomicInteger();
        scenario(
                "create",
                Math.min(REQUESTS, TASKS),
                i -> {
                    created.incrementAndGet();
                    return write("POST", "/tasks", t0, createBody(ids[i % TASKS], i));
                },
                true);
        int available = Math.min(created.get(), TASKS);
        IntFunction<UUID> anyTask = i -> ids[ThreadLocalRandom.current().nextInt(available)];

        scenario("get by id", REQUESTS, i -> get("/tasks/" + anyTask.apply(i)), true);
        scenario("list (limit 20)", REQUESTS, i -> get("/tasks?limit=20&sort=updated&direction=desc"), true);
        scenario(
                "update in order",
                REQUESTS,
                i -> {
                    // A single increasing clock: every replace is newer than the stored one.
                    Instant ts = t0.plusMillis(inOrderClock.incrementAndGet());
                    return write("PUT", "/tasks/" + anyTask.apply(i), ts, replaceBody(i));
                },
                true);
        int latest = inOrderClock.get();
        scenario(
                "update out of order",
                REQUESTS,
                i -> {
                    // Timestamps drawn across the whole in-order range: many are older than the stored write (409).
                    Instant ts = t0.plusMillis(ThreadLocalRandom.current().nextInt(1_000, latest + REQUESTS));
                    return write("PUT", "/tasks/" + anyTask.apply(i), ts, replaceBody(i));
                },
                true);
    }

    private static String createBody(UUID id, int i) {
        return "{\"id\":\"" + id + "\",\"title\":\"Task " + i
                + "\",\"description\":\"Benchmark task\",\"priority\":\"high\",\"dueAt\":\"2027-01-01T00:00:00Z\"}";
    }

    private static String replaceBody(int i) {
        return "{\"title\":\"Task updated " + i + "\",\"status\":\"in_progress\"}";
    }

    private int get(String path) throws IOException {
        return connection.get().send("GET", path, authorization, null);
    }

    private int write(String method, String path, Instant clientTs, String json) throws IOException {
        return connection
                .get()
                .send(
                        method,
                        path,
                        authorization + "X-Client-Timestamp: " + clientTs + "\r\n",
                        json.getBytes(StandardCharsets.UTF_8));
    }

    @FunctionalInterface
    interface Call {
        int send(int i) throws IOException;
    }

    private void scenario(String name, int requests, Call call, boolean report) throws Exception {
        long[] latencies = new long[requests];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        LongAdder failures = new LongAdder();
        long deadline = System.nanoTime() + TIME_LIMIT.toNanos();
        long start = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            workers.add(clients.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < requests && System.nanoTime() < deadline) {
                    long begin = System.nanoTime();
                    try {
                        int status = call.send(i);
                        statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
                    } catch (IOException e) {
                        failures.increment();
                        closeQuietly();
                    }
                    latencies[i] = System.nanoTime() - begin;
                    done.incrementAndGet();
                }
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!report) {
            return;
        }
        long[] measured = Arrays.stream(latencies).filter(l -> l > 0).sorted().toArray();
        Map<Integer, Long> byStatus = new TreeMap<>();
        statuses.forEach((status, count) -> byStatus.put(status, count.sum()));
        System.out.printf(
                Locale.ROOT,
                "%-20s n=%6d  %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  statuses %s%s%n",
                name,
                done.get(),
                done.get() / seconds,
                percentile(measured, 0.50) / 1e6,
                percentile(measured, 0.99) / 1e6,
                byStatus,
                failures.sum() > 0 ? "  io-failures " + failures.sum() : "");
    }

    /** After an I/O failure the connection is unusable: drop it; the failure itself is counted and reported. */
    private void closeQuietly() {
        try {
            connection.get().close();
        } catch (IOException e) {
            System.err.println("Closing a failed connection failed too: " + e.getMessage());
        }
        connection.remove();
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
