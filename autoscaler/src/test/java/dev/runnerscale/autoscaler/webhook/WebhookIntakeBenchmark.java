package dev.runnerscale.autoscaler.webhook;

import dev.runnerscale.autoscaler.AutoscalerApplication;
import dev.runnerscale.autoscaler.testsupport.EmbeddedDatabase;
import dev.runnerscale.autoscaler.testsupport.Payloads;
import dev.runnerscale.autoscaler.testsupport.TestProperties;
import dev.runnerscale.autoscaler.testsupport.WebhookClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Loopback load on the webhook intake: signed {@code workflow_job} deliveries of 8-12 KB (mixed actions over many
 * jobs, unique delivery ids), each acknowledged only after its commit to a durable embedded PostgreSQL
 * ({@code synchronous_commit=on}, {@code fsync=on}), against a bare endpoint of the same server that only answers 204
 * (what signing, parsing and the commit cost). The whole application runs, reconciler included (against the
 * in-process mock API server), as it would in production. Three steps, each bounded in deliveries and time:
 *
 * <ol>
 *   <li>warm-up: both endpoints interleaved, so the JIT compiles their shared code (filters, dispatcher, Tomcat) for
 *       both before anything is measured; measuring one after the other otherwise measures deoptimisation;
 *   <li>capacity: closed loop, every connection sends its next request as soon as the previous one is answered;
 *       the rate is the most the server sustains, and latency there is queueing (connections / rate);
 *   <li>at a fixed offered rate (open loop): requests are due at fixed intervals whatever the answers, and latency
 *       is counted from when a request was due, so a stalled server cannot hide its stall by slowing the sender
 *       (no coordinated omission). This is the latency GitHub sees at that load.
 * </ol>
 *
 * Run from the repository root:
 *
 * <pre>
 * ./mvnw -B -q -pl autoscaler test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.runnerscale.autoscaler.webhook.WebhookIntakeBenchmark [-Dexec.args="100000 64 60 5000"]
 * </pre>
 *
 * Arguments: deliveries per measured phase (default 100000), closed-loop connections (64), time limit per phase in
 * seconds (60), offered rate per second for the fixed-rate phase (5000; 0 skips it).
 */
public final class WebhookIntakeBenchmark {

    private static final String SECRET = "benchmark-secret";
    private static final String PLACEHOLDER = "999999999999";
    private static final long FIRST_JOB = 300_000_000_000L;

    private WebhookIntakeBenchmark() {}

    /** A request body template per action and size, with the job id as a fixed-width placeholder to patch in. */
    private record Template(String action, byte[] body, int[] idOffsets) {}

    private record Delivery(Template template, long jobId, String signature) {}

    private record Phase(
            String name, int requests, double seconds, long[] latencies, int failures, long cpuNanos, String where) {

        void print() {
            Arrays.sort(latencies);
            System.out.printf(
                    "%-27s %8d requests in %6.2f s = %8.0f /s   p50 %6.2f ms   p99 %6.2f ms   p99.9 %6.2f ms   max %6.2f ms   failures %d   JVM CPU %.0f us/request%n",
                    name,
                    requests,
                    seconds,
                    requests / seconds,
                    percentile(0.50),
                    percentile(0.99),
                    percentile(0.999),
                    latencies.length == 0 ? 0 : latencies[latencies.length - 1] / 1e6,
                    failures,
                    requests == 0 ? 0 : cpuNanos / 1e3 / requests);
            System.out.printf("    CPU per request, us: %s%n", where);
        }

        double percentile(double p) {
            if (latencies.length == 0) {
                return 0;
            }
            return latencies[(int) Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)] / 1e6;
        }
    }

    public static void main(String[] args) throws Exception {
        int deliveries = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        int rate = args.length > 3 ? Integer.parseInt(args[3]) : 5_000;

        // -Dbenchmark.synchronous-commit=off only to see what the commit's WAL flush costs; the figures that count
        // are the durable ones
        String synchronousCommit = System.getProperty("benchmark.synchronous-commit", "on");
        EmbeddedPostgres postgres = EmbeddedDatabase.start(null, synchronousCommit, pgDiagnostics());
        Map<String, String> properties = new HashMap<>(TestProperties.common());
        properties.put("runnerscale.webhook.secrets", SECRET);
        properties.put("runnerscale.webhook.max-body-size", "1MB");
        properties.put("spring.datasource.url", EmbeddedDatabase.jdbcUrl(postgres));
        properties.put("spring.datasource.username", "postgres");
        properties.put("spring.datasource.password", "postgres");
        properties.put("server.port", "0");
        properties.put("spring.main.banner-mode", "off");
        properties.put("logging.level.root", "WARN");
        // production's refresh of the per-pool gauges, not the tests' faster one
        properties.remove("runnerscale.ledger.gauge-refresh");
        // a load balancer in front keeps connections open; Tomcat's default closes one after 100 requests
        properties.put("server.tomcat.max-keep-alive-requests", "-1");
        SpringApplication application = new SpringApplication(AutoscalerApplication.class);
        // the bare endpoint exists only in this benchmark: same server, filters and connector, no work
        application.addInitializers(context -> ((GenericApplicationContext) context)
                .registerBean(
                        "bareBenchmarkEndpoint",
                        RouterFunction.class,
                        () -> RouterFunctions.route()
                                .POST(
                                        "/benchmark/bare",
                                        request -> ServerResponse.noContent().build())
                                .build()));
        try (ConfigurableApplicationContext context = application.run(TestProperties.asArguments(properties))) {
            int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
            List<Template> templates = templates();
            int warmup = Integer.getInteger("benchmark.warmup", Math.max(40_000, deliveries / 2));
            System.out.printf("preparing %d signed deliveries ...%n", warmup + 2 * deliveries);
            Delivery[] warm = plan(templates, FIRST_JOB, warmup);
            Delivery[] closed = plan(templates, FIRST_JOB + warmup, deliveries);
            Delivery[] open = plan(templates, FIRST_JOB + warmup + deliveries, deliveries);
            long firstMeasured = FIRST_JOB + warmup;
            System.out.printf(
                    "body sizes %d..%d bytes; PostgreSQL synchronous_commit=%s, fsync=on; %d cores%n",
                    templates.stream().mapToInt(t -> t.body().length).min().orElse(0),
                    templates.stream().mapToInt(t -> t.body().length).max().orElse(0),
                    synchronousCommit,
                    Runtime.getRuntime().availableProcessors());

            // In rounds, each followed by a pause until the JIT compiler threads are idle: on 2 busy cores they fall
            // behind, and C2 compiles of the hot path would otherwise still be queued during the measured phases.
            // The rounds cover both regimes measured below (large batches under a closed loop, small ones at a fixed
            // rate), so neither meets code compiled only for the other.
            int rounds = 4;
            for (int round = 0; round < rounds; round++) {
                Delivery[] part =
                        Arrays.copyOfRange(warm, round * warm.length / rounds, (round + 1) * warm.length / rounds);
                String name = "warm-up " + (round + 1) + "/" + rounds + ", both";
                boolean atRate = rate > 0 && round % 2 == 1;
                Phase phase = atRate
                        ? Load.open(
                                name + " @ " + rate + "/s",
                                port,
                                Target.BOTH,
                                part,
                                openConnections(connections, rate),
                                rate,
                                seconds)
                        : Load.closed(name, port, Target.BOTH, part, connections, seconds);
                phase.print();
                System.out.printf("    JIT idle again after %.1f s%n", CpuTicks.awaitJitIdle(Duration.ofSeconds(30)));
            }
            JdbcTemplate database = context.getBean(JdbcTemplate.class);
            Runnable settle = () -> settle(database);
            settle.run();
            if (STATEMENTS) {
                database.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
                database.execute("SELECT pg_stat_statements_reset()");
            }
            Phase bareClosed = Load.closed("bare 204, capacity", port, Target.BARE, closed, connections, seconds);
            settle.run();
            Phase webhookClosed =
                    Load.closed("webhook 202, capacity", port, Target.WEBHOOK, closed, connections, seconds);
            Phase bareOpen = null;
            Phase webhookOpen = null;
            if (rate > 0) {
                settle.run();
                bareOpen = Load.open(
                        "bare 204 @ " + rate + "/s",
                        port,
                        Target.BARE,
                        open,
                        openConnections(connections, rate),
                        rate,
                        seconds);
                settle.run();
                webhookOpen = Load.open(
                        "webhook 202 @ " + rate + "/s",
                        port,
                        Target.WEBHOOK,
                        open,
                        openConnections(connections, rate),
                        rate,
                        seconds);
            }
            if (System.getProperty("benchmark.pg-log") != null) {
                settle.run(); // prints the WAL counters of the last phase
            }
            System.out.printf("--- results (closed loop: %d connections) ---%n", connections);
            bareClosed.print();
            webhookClosed.print();
            if (rate > 0) {
                System.out.printf("--- results (offered %d/s, latency from when each request was due) ---%n", rate);
                bareOpen.print();
                webhookOpen.print();
            }

            io.micrometer.core.instrument.MeterRegistry registry =
                    context.getBean(io.micrometer.core.instrument.MeterRegistry.class);
            io.micrometer.core.instrument.Timer batches =
                    registry.get("runnerscale_ledger_batch").timer();
            System.out.printf(
                    "ledger batches (all phases): %d, mean %.2f ms, max %.2f ms, mean size %.1f%n",
                    batches.count(),
                    batches.mean(java.util.concurrent.TimeUnit.MILLISECONDS),
                    batches.max(java.util.concurrent.TimeUnit.MILLISECONDS),
                    registry.get("runnerscale_ledger_batch_size").summary().mean());
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            if (STATEMENTS) {
                printStatements(jdbc, webhookClosed.requests() + (webhookOpen == null ? 0 : webhookOpen.requests()));
            }
            long stored = jdbc.queryForObject(
                    "SELECT count(*) FROM webhook_deliveries WHERE job_id >= ?", Long.class, firstMeasured);
            int answered = webhookClosed.requests() + (webhookOpen == null ? 0 : webhookOpen.requests());
            int failed = webhookClosed.failures() + (webhookOpen == null ? 0 : webhookOpen.failures());
            System.out.printf(
                    "deliveries stored for the measured phases: %d (answered: %d, of which not 202: %d)%n",
                    stored, answered, failed);
        } finally {
            postgres.close();
        }
        // the application's non-daemon threads (Kubernetes client) would keep exec:java waiting
        System.exit(0);
    }

    /**
     * Before a measured phase: the JIT idle, and a checkpoint, so the WAL segments written so far are recycled
     * rather than a fresh 16 MB segment being created and zero-filled in the middle of the phase (a stall of up to a
     * second on this disk, which a database in steady state does not have).
     */
    private static void settle(JdbcTemplate database) {
        if (System.getProperty("benchmark.pg-log") != null) {
            database.queryForList(
                            "SELECT 'wal: records ' || wal_records || ' fpi ' || wal_fpi || ' bytes ' || wal_bytes || ' buffers_full ' || wal_buffers_full || ' writes ' || wal_write || ' syncs ' || wal_sync || ' write ms ' || round(wal_write_time) || ' sync ms ' || round(wal_sync_time) FROM pg_stat_wal",
                            String.class)
                    .forEach(System.out::println);
            database.queryForList("SELECT 'pg_wal files: ' || count(*) FROM pg_ls_waldir()", String.class)
                    .forEach(System.out::println);
        }
        database.execute("CHECKPOINT");
        try {
            CpuTicks.awaitJitIdle(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Diagnostics ({@code -Dbenchmark.pg-log=DIR}): PostgreSQL logs checkpoints, autovacuum runs, lock waits and
     * statements over 10 ms to files in DIR (zonky stops relaying the server's output once it has started).
     */
    private static Map<String, String> pgDiagnostics() {
        Map<String, String> settings = new HashMap<>();
        String dir = System.getProperty("benchmark.pg-log");
        if (dir != null) {
            settings.putAll(Map.of(
                    "logging_collector", "on",
                    "log_directory", dir,
                    "log_checkpoints", "on",
                    "log_autovacuum_min_duration", "0",
                    "log_lock_waits", "on",
                    "log_min_duration_statement", "10",
                    "log_line_prefix", "%m_%p_",
                    "track_wal_io_timing", "on"));
        }
        if (STATEMENTS) {
            settings.put("shared_preload_libraries", "pg_stat_statements");
            settings.put("pg_stat_statements.track", "all");
        }
        // -Dbenchmark.pg-settings=name=value,name=value: to try a server setting
        for (String setting : System.getProperty("benchmark.pg-settings", "").split(",")) {
            if (setting.contains("=")) {
                settings.put(setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
            }
        }
        return settings;
    }

    /**
     * {@code -Dbenchmark.pg-statements}: PostgreSQL's own execution time per statement over the measured phases
     * ({@code pg_stat_statements}), per webhook delivery, and the part of it spent by the queue-time recorder (the
     * statements that name its columns): what recording the timeline costs the database, apart from the machine's
     * run-to-run spread.
     */
    private static final boolean STATEMENTS = System.getProperty("benchmark.pg-statements") != null;

    private static void printStatements(JdbcTemplate jdbc, int deliveries) {
        List<Map<String, Object>> rows = jdbc.queryForList("""
                SELECT calls, total_exec_time AS ms, left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS query,
                       query ~ '(demand_seen_at|timeline_recorded_at|stuck_at|runner_pod)' AS recorder
                FROM pg_stat_statements
                WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                ORDER BY total_exec_time DESC
                """);
        double all = 0;
        double recorder = 0;
        for (Map<String, Object> row : rows) {
            double ms = ((Number) row.get("ms")).doubleValue();
            all += ms;
            if (Boolean.TRUE.equals(row.get("recorder"))) {
                recorder += ms;
            }
        }
        System.out.printf(
                "PostgreSQL execution time over the measured phases: %.1f us per webhook delivery, of which the"
                        + " queue-time recorder %.2f us (%.2f %%)%n",
                all * 1000 / deliveries, recorder * 1000 / deliveries, all == 0 ? 0 : 100 * recorder / all);
        rows.stream()
                .limit(12)
                .forEach(row -> System.out.printf(
                        "    %8d calls %10.1f ms %s %s%n",
                        ((Number) row.get("calls")).longValue(),
                        ((Number) row.get("ms")).doubleValue(),
                        Boolean.TRUE.equals(row.get("recorder")) ? "[recorder]" : "          ",
                        row.get("query")));
    }

    /** Enough connections that one is free when a request is due, even while answers are slow. */
    private static int openConnections(int connections, int rate) {
        return Math.max(connections, Math.min(512, rate / 20));
    }

    private static List<Template> templates() {
        List<Template> out = new ArrayList<>();
        for (String action : List.of("waiting", "queued", "in_progress", "completed")) {
            for (int size : new int[] {8 * 1024, 10 * 1024, 12 * 1024}) {
                byte[] body = Payloads.job(Long.parseLong(PLACEHOLDER))
                        .action(action)
                        .labels(
                                size == 12 * 1024
                                        ? new String[] {"self-hosted", "large"}
                                        : new String[] {"self-hosted", "linux"})
                        .paddedTo(size)
                        .bytes();
                out.add(new Template(action, body, offsets(body)));
            }
        }
        return out;
    }

    private static int[] offsets(byte[] body) {
        byte[] needle = PLACEHOLDER.getBytes(StandardCharsets.US_ASCII);
        List<Integer> found = new ArrayList<>();
        outer:
        for (int i = 0; i + needle.length <= body.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (body[i + j] != needle[j]) {
                    continue outer;
                }
            }
            found.add(i);
        }
        return found.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Per job: (waiting for one job in five) queued, in_progress, completed; workers take them in order. */
    private static Delivery[] plan(List<Template> templates, long firstJob, int count) {
        Delivery[] plan = new Delivery[count];
        int i = 0;
        long job = firstJob;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (i < count) {
            int size = random.nextInt(3);
            for (int a = (job % 5 == 0 ? 0 : 1); a < 4 && i < count; a++) {
                Template t = templates.get(a * 3 + size);
                byte[] body = patched(t, job);
                plan[i++] = new Delivery(t, job, WebhookClient.sign(SECRET, body));
            }
            job++;
        }
        return plan;
    }

    private static byte[] patched(Template t, long job) {
        byte[] body = t.body().clone();
        patch(body, t, job);
        return body;
    }

    private static void patch(byte[] body, Template t, long job) {
        byte[] digits = Long.toString(job).getBytes(StandardCharsets.US_ASCII);
        for (int offset : t.idOffsets()) {
            System.arraycopy(digits, 0, body, offset, digits.length);
        }
    }

    private enum Target {
        BARE,
        WEBHOOK,
        /** Every other request of a connection to each: the warm-up. */
        BOTH
    }

    /** One measured phase: worker threads, each with its own keep-alive connection, taking requests in plan order. */
    private static final class Load {

        private static Phase closed(String name, int port, Target target, Delivery[] plan, int connections, int seconds)
                throws InterruptedException {
            return run(name, port, target, plan, connections, 0, seconds);
        }

        private static Phase open(
                String name, int port, Target target, Delivery[] plan, int connections, int rate, int seconds)
                throws InterruptedException {
            return run(name, port, target, plan, connections, rate, seconds);
        }

        /**
         * With {@code rate} 0 a worker sends as soon as its previous answer came (closed loop, latency from sending).
         * Otherwise request {@code i} is due at {@code start + i / rate}: the worker that takes it waits until then,
         * and its latency runs from that moment, including any time it waited for a free connection.
         */
        private static Phase run(
                String name, int port, Target target, Delivery[] plan, int connections, int rate, int seconds)
                throws InterruptedException {
            AtomicInteger next = new AtomicInteger();
            AtomicInteger failures = new AtomicInteger();
            java.util.concurrent.atomic.LongAdder loadCpuNanos = new java.util.concurrent.atomic.LongAdder();
            // one slot per planned request, written by whichever worker sent it: per-worker arrays sized for the whole
            // plan came to 300 MB a phase, and the collector's concurrent cycles then disturbed the measurement
            long[] latencies = new long[plan.length];
            Arrays.fill(latencies, -1);
            Thread[] workers = new Thread[connections];
            com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            double interval = rate > 0 ? 1e9 / rate : 0;
            // every connection is open and its thread waiting before the clock starts: a request due while the
            // generator was still connecting would otherwise be charged to the server
            java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(connections);
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            long[] clock = new long[2]; // start, deadline: written before go opens, read after
            for (int w = 0; w < connections; w++) {
                workers[w] = new Thread(
                        () -> {
                            Map<Template, byte[]> buffers = new HashMap<>();
                            try (Socket socket = new Socket("127.0.0.1", port)) {
                                socket.setTcpNoDelay(true);
                                OutputStream out = socket.getOutputStream();
                                InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
                                ready.countDown();
                                go.await();
                                long start = clock[0];
                                long deadline = clock[1];
                                int i;
                                int sent = 0;
                                while ((i = next.getAndIncrement()) < plan.length && System.nanoTime() < deadline) {
                                    long due = System.nanoTime();
                                    if (rate > 0) {
                                        due = start + (long) (i * interval);
                                        long wait;
                                        while ((wait = due - System.nanoTime()) > 0) {
                                            LockSupport.parkNanos(wait);
                                        }
                                    }
                                    Delivery d = plan[i];
                                    boolean webhook =
                                            target == Target.WEBHOOK || (target == Target.BOTH && sent % 2 == 1);
                                    sent++;
                                    byte[] body = buffers.computeIfAbsent(
                                            d.template(), t -> t.body().clone());
                                    patch(body, d.template(), d.jobId());
                                    String head = "POST " + (webhook ? "/webhooks/github" : "/benchmark/bare")
                                            + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                            + "Content-Type: application/json\r\nUser-Agent: GitHub-Hookshot/benchmark\r\n"
                                            + "X-GitHub-Event: workflow_job\r\nX-GitHub-Delivery: b-" + d.jobId() + "-"
                                            + d.template().action() + "\r\nX-Hub-Signature-256: " + d.signature()
                                            + "\r\nContent-Length: " + body.length + "\r\n\r\n";
                                    out.write(head.getBytes(StandardCharsets.US_ASCII));
                                    out.write(body);
                                    out.flush();
                                    int status = readResponse(in);
                                    latencies[i] = System.nanoTime() - due;
                                    if (status != (webhook ? 202 : 204)) {
                                        failures.incrementAndGet();
                                    }
                                }
                            } catch (IOException e) {
                                failures.incrementAndGet();
                                ready.countDown();
                                System.err.println(name + ": connection failed: " + e);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            } finally {
                                // its thread ends with the phase, before the CPU breakdown is read: report it here
                                loadCpuNanos.add(java.lang.management.ManagementFactory.getThreadMXBean()
                                        .getCurrentThreadCpuTime());
                            }
                        },
                        "load-" + w);
                workers[w].start();
            }
            ready.await();
            long cpuStart = os.getProcessCpuTime();
            Map<String, Long> ticksBefore = CpuTicks.byGroup();
            ticksBefore.remove("load generator"); // the previous phase's workers, if any are still being reaped
            long start = System.nanoTime();
            long wallStart = System.currentTimeMillis();
            clock[0] = start;
            clock[1] = start + seconds * 1_000_000_000L;
            go.countDown();
            for (Thread worker : workers) {
                worker.join();
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            long[] all = Arrays.stream(latencies).filter(l -> l >= 0).toArray();
            int total = all.length;
            if (rate > 0 && Boolean.getBoolean("benchmark.timeline")) {
                printSlowSpans(name, wallStart, interval, latencies);
            }
            // CPU of this JVM (server and load generator; PostgreSQL runs in its own processes)
            long cpu = os.getProcessCpuTime() - cpuStart;
            return new Phase(
                    name,
                    total,
                    elapsed,
                    all,
                    failures.get(),
                    cpu,
                    CpuTicks.perRequest(ticksBefore, withLoadGenerator(CpuTicks.byGroup(), loadCpuNanos.sum()), total));
        }
    }

    /** The load generator's CPU as measured by its own threads, in clock ticks like the rest of the breakdown. */
    private static Map<String, Long> withLoadGenerator(Map<String, Long> groups, long loadCpuNanos) {
        groups.put("load generator", loadCpuNanos / CpuTicks.TICK_NANOS);
        return groups;
    }

    /**
     * Diagnostics ({@code -Dbenchmark.timeline=true}): the 100 ms spans of a fixed-rate phase, by when requests were
     * due, in which any request took over 25 ms, with wall-clock times to hold against PostgreSQL's and the GC's logs.
     */
    private static void printSlowSpans(String name, long wallStart, double interval, long[] latencies) {
        java.util.TreeMap<Long, long[]> spans = new java.util.TreeMap<>(); // span -> {slow, max ns, all}
        for (int i = 0; i < latencies.length; i++) {
            if (latencies[i] < 0) {
                continue;
            }
            long span = (long) (i * interval / 100_000_000L);
            long[] v = spans.computeIfAbsent(span, x -> new long[3]);
            v[2]++;
            if (latencies[i] > 25_000_000L) {
                v[0]++;
                v[1] = Math.max(v[1], latencies[i]);
            }
        }
        java.time.format.DateTimeFormatter time =
                java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.S").withZone(java.time.ZoneOffset.UTC);
        System.out.printf("    slow spans of %s (requests over 25 ms by when they were due):%n", name);
        spans.forEach((span, v) -> {
            if (v[0] > 0) {
                System.out.printf(
                        "      %s (+%5.1f s): %4d of %4d slow, max %7.1f ms%n",
                        time.format(java.time.Instant.ofEpochMilli(wallStart + span * 100)),
                        span / 10.0,
                        v[0],
                        v[2],
                        v[1] / 1e6);
            }
        });
    }

    /**
     * Where the CPU went, from Linux's per-thread and per-process counters (clock ticks, 1/100 s): this JVM's threads
     * grouped by role, and PostgreSQL's processes. Empty where {@code /proc} is not there.
     */
    private static final class CpuTicks {

        private static final long TICK_NANOS = 10_000_000L;

        /** Waits until the JIT compiler threads used under 2 % of a core for a second; returns the seconds waited. */
        static double awaitJitIdle(Duration atMost) throws InterruptedException {
            long start = System.nanoTime();
            long deadline = start + atMost.toNanos();
            long last = byGroup().getOrDefault("JIT", 0L);
            while (System.nanoTime() < deadline) {
                Thread.sleep(1_000);
                long now = byGroup().getOrDefault("JIT", 0L);
                if (now - last <= 2) {
                    break;
                }
                last = now;
            }
            return (System.nanoTime() - start) / 1e9;
        }

        static Map<String, Long> byGroup() {
            Map<String, Long> groups = new java.util.TreeMap<>();
            java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
            for (java.io.File task : tasks == null ? new java.io.File[0] : tasks) {
                add(groups, task, true);
            }
            java.io.File[] processes =
                    new java.io.File("/proc").listFiles((d, n) -> n.chars().allMatch(Character::isDigit));
            for (java.io.File process : processes == null ? new java.io.File[0] : processes) {
                add(groups, process, false);
            }
            // machine-wide: time the hypervisor gave to other guests (a noisy neighbour shows here), and what every
            // process outside this JVM and PostgreSQL used
            try {
                String[] cpu = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat"))
                        .get(0)
                        .trim()
                        .split("\\s+");
                long busy = 0;
                for (int i : new int[] {1, 2, 3, 6, 7}) { // user nice system irq softirq
                    busy += Long.parseLong(cpu[i]);
                }
                groups.put("steal", Long.parseLong(cpu[8]));
                groups.put("machine busy", busy);
            } catch (IOException | RuntimeException e) {
                // not Linux
            }
            return groups;
        }

        private static void add(Map<String, Long> groups, java.io.File proc, boolean ownThread) {
            try {
                String stat = java.nio.file.Files.readString(new java.io.File(proc, "stat").toPath());
                String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                String group = ownThread ? group(comm) : comm.equals("postgres") ? "PostgreSQL" : null;
                if (group != null) {
                    groups.merge(group, ticks, Long::sum);
                }
            } catch (IOException | RuntimeException e) {
                // the thread or process ended meanwhile
            }
        }

        private static String group(String comm) {
            if (comm.startsWith("http-nio")) {
                return "Tomcat";
            } else if (comm.startsWith("ledger-writer")) {
                return "ledger writers";
            } else if (comm.startsWith("load-")) {
                return "load generator";
            } else if (comm.contains("Compiler")) {
                return "JIT";
            } else if (comm.startsWith("GC ") || comm.startsWith("G1 ")) {
                return "GC";
            } else if (comm.startsWith("runnerscale-rec")) {
                return "reconciler";
            } else if (comm.startsWith("vert.x")) {
                return "mock Kubernetes API";
            }
            return "other";
        }

        static String perRequest(Map<String, Long> before, Map<String, Long> after, int requests) {
            StringBuilder out = new StringBuilder();
            Map<String, Long> deltas = new java.util.TreeMap<>();
            after.forEach((group, ticks) -> deltas.put(group, ticks - before.getOrDefault(group, 0L)));
            long ours = deltas.entrySet().stream()
                    .filter(e -> !e.getKey().equals("steal") && !e.getKey().equals("machine busy"))
                    .mapToLong(Map.Entry::getValue)
                    .sum();
            Long machine = deltas.remove("machine busy");
            if (machine != null) {
                // the kernel's share outside any thread (loopback network softirqs) and any other process
                deltas.put("kernel and other processes", Math.max(0, machine - ours));
            }
            deltas.forEach((group, delta) -> {
                if (delta > 0 && requests > 0) {
                    out.append(out.isEmpty() ? "" : ", ")
                            .append(group)
                            .append(' ')
                            .append(Math.round(delta * TICK_NANOS / 1e3 / requests));
                }
            });
            return out.toString();
        }
    }

    /** Reads one HTTP/1.1 response (Content-Length or chunked) and returns its status. */
    private static int readResponse(InputStream in) throws IOException {
        String statusLine = line(in);
        int status = Integer.parseInt(statusLine.substring(9, 12));
        int length = 0;
        boolean chunked = false;
        String header;
        while (!(header = line(in)).isEmpty()) {
            int colon = header.indexOf(':');
            String key = header.substring(0, colon).trim();
            if (key.equalsIgnoreCase("Content-Length")) {
                length = Integer.parseInt(header.substring(colon + 1).trim());
            } else if (key.equalsIgnoreCase("Transfer-Encoding")
                    && header.toLowerCase().contains("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            int size;
            while ((size = Integer.parseInt(line(in).trim(), 16)) > 0) {
                in.skipNBytes(size);
                line(in);
            }
            line(in);
        } else {
            in.skipNBytes(length);
        }
        return status;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        int c;
        while ((c = in.read()) != '\n') {
            if (c == -1) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }
}
