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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
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
 * ({@code synchronous_commit=on}, {@code fsync=on}); then the same load on a bare endpoint of the same server that
 * only answers 204, to show what signing, parsing and the commit cost. Bounded in deliveries and time. Run from the
 * repository root:
 *
 * <pre>
 * ./mvnw -B -q -pl autoscaler test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.runnerscale.autoscaler.webhook.WebhookIntakeBenchmark [-Dexec.args="100000 64 60"]
 * </pre>
 *
 * Arguments: deliveries per measured phase (default 100000), concurrent keep-alive connections (64), time limit
 * per phase in seconds (60).
 */
public final class WebhookIntakeBenchmark {

    private static final String SECRET = "benchmark-secret";
    private static final String PLACEHOLDER = "999999999999";
    private static final long FIRST_JOB = 300_000_000_000L;

    private WebhookIntakeBenchmark() {}

    /** A request body template per action and size, with the job id as a fixed-width placeholder to patch in. */
    private record Template(String action, byte[] body, int[] idOffsets) {}

    private record Delivery(Template template, long jobId, String signature) {}

    private record Phase(String name, int requests, double seconds, long[] latencies, int failures, long cpuNanos) {

        void print() {
            Arrays.sort(latencies);
            System.out.printf(
                    "%-22s %8d requests in %6.2f s = %8.0f /s   p50 %6.2f ms   p99 %6.2f ms   p99.9 %6.2f ms   max %6.2f ms   failures %d   JVM CPU %.0f us/request%n",
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

        // -Dbenchmark.synchronous-commit=off only to see what the commit's WAL flush costs; the figures that count
        // are the durable ones
        String synchronousCommit = System.getProperty("benchmark.synchronous-commit", "on");
        EmbeddedPostgres postgres = EmbeddedDatabase.start(null, synchronousCommit);
        Map<String, String> properties = new HashMap<>(TestProperties.common());
        properties.put("runnerscale.webhook.secrets", SECRET);
        properties.put("runnerscale.webhook.max-body-size", "1MB");
        properties.put("spring.datasource.url", EmbeddedDatabase.jdbcUrl(postgres));
        properties.put("spring.datasource.username", "postgres");
        properties.put("spring.datasource.password", "postgres");
        properties.put("server.port", "0");
        properties.put("spring.main.banner-mode", "off");
        properties.put("logging.level.root", "WARN");
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
            int warmup = Math.min(20_000, deliveries / 2);
            System.out.printf("preparing %d signed deliveries ...%n", deliveries + warmup);
            Delivery[] warm = plan(templates, FIRST_JOB, warmup);
            Delivery[] measured = plan(templates, FIRST_JOB + warmup, deliveries);
            System.out.printf(
                    "body sizes %d..%d bytes; %d connections; PostgreSQL synchronous_commit=%s, fsync=on; %d cores%n",
                    templates.stream().mapToInt(t -> t.body().length).min().orElse(0),
                    templates.stream().mapToInt(t -> t.body().length).max().orElse(0),
                    connections,
                    synchronousCommit,
                    Runtime.getRuntime().availableProcessors());

            run("warm-up bare", port, "/benchmark/bare", warm, connections, seconds)
                    .print();
            run("warm-up webhook", port, "/webhooks/github", warm, connections, seconds)
                    .print();
            Phase bare = run("bare 204 endpoint", port, "/benchmark/bare", measured, connections, seconds);
            Phase webhook = run("webhook (durable 202)", port, "/webhooks/github", measured, connections, seconds);
            System.out.println("--- results ---");
            bare.print();
            webhook.print();

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
            long stored = jdbc.queryForObject(
                    "SELECT count(*) FROM webhook_deliveries WHERE job_id >= ?", Long.class, FIRST_JOB + warmup);
            System.out.printf(
                    "deliveries stored for the measured phase: %d (answered: %d, of which not 202: %d)%n",
                    stored, webhook.requests(), webhook.failures());
        } finally {
            postgres.close();
        }
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

    private static Phase run(String name, int port, String path, Delivery[] plan, int connections, int seconds)
            throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        long[][] latencies = new long[connections][];
        int[] counts = new int[connections];
        Thread[] workers = new Thread[connections];
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpuStart = os.getProcessCpuTime();
        long start = System.nanoTime();
        for (int w = 0; w < connections; w++) {
            int worker = w;
            latencies[w] = new long[plan.length];
            workers[w] = new Thread(() -> {
                Map<Template, byte[]> buffers = new HashMap<>();
                try (Socket socket = new Socket("127.0.0.1", port)) {
                    socket.setTcpNoDelay(true);
                    OutputStream out = socket.getOutputStream();
                    InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
                    int i;
                    while ((i = next.getAndIncrement()) < plan.length && System.nanoTime() < deadline) {
                        Delivery d = plan[i];
                        byte[] body = buffers.computeIfAbsent(
                                d.template(), t -> t.body().clone());
                        patch(body, d.template(), d.jobId());
                        String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                + "Content-Type: application/json\r\nUser-Agent: GitHub-Hookshot/benchmark\r\n"
                                + "X-GitHub-Event: workflow_job\r\nX-GitHub-Delivery: b-" + d.jobId() + "-"
                                + d.template().action() + "\r\nX-Hub-Signature-256: " + d.signature()
                                + "\r\nContent-Length: " + body.length + "\r\n\r\n";
                        long t0 = System.nanoTime();
                        out.write(head.getBytes(StandardCharsets.US_ASCII));
                        out.write(body);
                        out.flush();
                        int status = readResponse(in);
                        latencies[worker][counts[worker]++] = System.nanoTime() - t0;
                        if (status != 202 && status != 204) {
                            failures.incrementAndGet();
                        }
                    }
                } catch (IOException e) {
                    failures.incrementAndGet();
                    System.err.println(name + ": connection failed: " + e);
                }
            });
            workers[w].start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        int total = 0;
        for (int c : counts) {
            total += c;
        }
        long[] all = new long[total];
        int at = 0;
        for (int w = 0; w < connections; w++) {
            System.arraycopy(latencies[w], 0, all, at, counts[w]);
            at += counts[w];
        }
        // CPU of this JVM (server and load generator; PostgreSQL runs in its own processes)
        return new Phase(name, total, elapsed, all, failures.get(), os.getProcessCpuTime() - cpuStart);
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
