import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Plays a realistic day in miniature against a running autoscaler (the local default): jobs of both sample pools are
 * queued, start on the runners the autoscaler creates, and complete, at a pace a person can follow; the pool table is
 * printed as it changes, the runners drain after the idle timeout, and what every job cost is printed, then the
 * finance report of the day. Run by {@code scripts/demo} with the JDK alone
 * ({@code java scripts/Demo.java}): no Maven, curl or jq needed.
 *
 * <p>Environment: {@code RUNNERSCALE_URL} (default {@code http://localhost:8080}), {@code RUNNERSCALE_WEBHOOK_SECRET}
 * (default the local profile's public {@code dev-secret}), {@code RUNNERSCALE_API_TOKEN} (only when the operator API
 * needs one), {@code DEMO_JOBS} (jobs per pool, default 3), {@code DEMO_PACE_SECONDS} (default 2).
 */
public final class Demo {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String url = env("RUNNERSCALE_URL", "http://localhost:8080");
    private final String secret = env("RUNNERSCALE_WEBHOOK_SECRET", "dev-secret");
    private final String token = env("RUNNERSCALE_API_TOKEN", "");
    private final int jobsPerPool = Integer.parseInt(env("DEMO_JOBS", "3"));
    private final Duration pace = Duration.ofSeconds(Long.parseLong(env("DEMO_PACE_SECONDS", "2")));
    private final Path examples;
    private String lastTable = "";

    private Demo(Path examples) {
        this.examples = examples;
    }

    /** A pool of the local default and the labels its jobs ask for. */
    private record SamplePool(String name, List<String> labels) {}

    private record Job(long id, SamplePool pool) {}

    public static void main(String[] args) throws Exception {
        Path scripts = Path.of(System.getProperty("demo.scripts", "scripts"));
        new Demo(scripts.resolveSibling("examples").resolve("webhooks")).run();
    }

    private void run() throws Exception {
        System.out.println("Runnerscale demo against " + url + " (Ctrl-C to stop)");
        try {
            get("/api/v1/pools");
        } catch (IOException e) {
            System.err.println("The autoscaler does not answer at " + url
                    + ". Start it first: ./mvnw -pl autoscaler spring-boot:test-run");
            System.exit(1);
        }
        List<SamplePool> pools = List.of(
                new SamplePool("linux-x64-spot", List.of("self-hosted", "linux", "x64", "spot")),
                new SamplePool("linux-x64-large", List.of("self-hosted", "linux", "x64", "large")));
        long base = Instant.now().toEpochMilli() * 10; // fresh job ids on every run: the ledger is durable
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < jobsPerPool; i++) {
            for (SamplePool pool : pools) {
                jobs.add(new Job(base + jobs.size(), pool));
            }
        }

        System.out.println("\n1. " + jobs.size() + " jobs are queued, one every " + pace.toSeconds() + " s");
        for (Job job : jobs) {
            deliver(job, "queued", null);
            System.out.println("   queued job " + job.id() + " for " + job.pool().name());
            showPools(pace);
        }

        System.out.println("\n2. Each job starts on one of its pool's runners (the job's in_progress delivery names it)");
        Map<Long, String> runnerOf = new LinkedHashMap<>();
        for (Job job : jobs) {
            String runner = awaitFreeRunner(job.pool().name(), runnerOf.values());
            runnerOf.put(job.id(), runner);
            deliver(job, "in_progress", runner);
            System.out.println("   job " + job.id() + " runs on " + runner);
            showPools(pace);
        }

        System.out.println("\n3. The jobs complete");
        for (Job job : jobs) {
            deliver(job, "completed", runnerOf.get(job.id()));
            System.out.println("   job " + job.id() + " completed");
            showPools(pace);
        }

        System.out.println("\n4. Idle runners drain after the pool's idle timeout (watching for up to 3 minutes)");
        Instant until = Instant.now().plus(Duration.ofMinutes(3));
        while (Instant.now().isBefore(until) && runners().size() > 0) {
            showPools(Duration.ofSeconds(5));
        }
        showPools(Duration.ZERO);
        System.out.println(runners().isEmpty() ? "\nAll runners drained." : "\nSome runners are still up.");

        System.out.println("\n5. What each job cost: its runner's share of its node (CPU and memory it requested) for"
                + " the runner's lifetime, at the node's price (locally: the shipped price tables)");
        showJobCosts(jobs);
        showFinanceReport(today);
        System.out.println("\nA job as the ledger holds it: " + url + "/api/v1/jobs/" + jobs.get(0).id());
        System.out.println("The same report for a spreadsheet: curl -H 'Accept: text/csv' '" + url
                + "/api/v1/costs?from=" + today + "&to=" + today + "&group-by=repository'");
    }

    /** Waits until every job has its cost (its runner's pod ended and was priced), and prints them. */
    @SuppressWarnings("unchecked")
    private void showJobCosts(List<Job> jobs) throws Exception {
        System.out.printf(
                "   %-15s %-16s %-11s %-11s %-9s %7s %11s %11s %11s%n",
                "job", "pool", "instance", "zone", "capacity", "runner", "cost USD", "on-demand", "GitHub-hosted");
        for (Job job : jobs) {
            Map<String, Object> cost = null;
            Instant until = Instant.now().plus(Duration.ofMinutes(2));
            while (cost == null && Instant.now().isBefore(until)) {
                Map<String, Object> answer = (Map<String, Object>) Json.parse(get("/api/v1/jobs/" + job.id()));
                cost = (Map<String, Object>) answer.get("cost");
                if (cost == null) {
                    Thread.sleep(1000); // polling a remote service for the demo's own pace, not synchronising threads
                }
            }
            if (cost == null) {
                System.out.printf("   %-15d %-16s (no cost yet: its runner has not ended)%n", job.id(), job.pool()
                        .name());
                continue;
            }
            System.out.printf(
                    "   %-15d %-16s %-11s %-11s %-9s %6ds %11s %11s %11s%n",
                    job.id(),
                    job.pool().name(),
                    cost.get("instanceType"),
                    cost.get("zone"),
                    cost.get("capacityType"),
                    number(cost.get("runnerSeconds")),
                    orUnknown(cost.get("usd")),
                    orUnknown(cost.get("onDemandUsd")),
                    orUnknown(cost.get("githubHostedUsd")));
        }
    }

    /** The finance report of today (UTC) by pool, as finance would read it. */
    @SuppressWarnings("unchecked")
    private void showFinanceReport(String today) throws Exception {
        Map<String, Object> report = (Map<String, Object>)
                Json.parse(get("/api/v1/costs?from=" + today + "&to=" + today + "&group-by=pool"));
        System.out.println("\n6. The finance report: GET /api/v1/costs?from=" + today + "&to=" + today
                + "&group-by=pool (every job of the ledger ended today, this run's and earlier runs')");
        System.out.printf("   %-16s %6s %12s %12s %14s%n", "pool", "jobs", "cost USD", "on-demand", "GitHub-hosted");
        for (Map<String, Object> item : (List<Map<String, Object>>) report.get("items")) {
            System.out.printf(
                    "   %-16s %6d %12s %12s %14s%n",
                    item.get("key"),
                    number(item.get("jobs")),
                    orUnknown(item.get("usd")),
                    orUnknown(item.get("onDemandUsd")),
                    orUnknown(item.get("githubHostedUsd")));
        }
        System.out.println("   total of the jobs: " + report.get("totalUsd") + " " + report.get("currency")
                + "; idle node capacity no job used: " + report.get("idleUsd") + " " + report.get("currency")
                + (number(report.get("unpricedJobs")) > 0
                        ? "; jobs without a known price: " + number(report.get("unpricedJobs"))
                        : ""));
    }

    private static String orUnknown(Object amount) {
        return amount == null ? "unknown" : amount.toString();
    }

    /** Waits until the pool has a running runner pod not yet given a job, and answers its runner name. */
    private String awaitFreeRunner(String pool, java.util.Collection<String> taken) throws Exception {
        Instant until = Instant.now().plus(Duration.ofMinutes(2));
        while (Instant.now().isBefore(until)) {
            for (Map<String, Object> runner : runners()) {
                Object name = runner.get("runnerName");
                String state = String.valueOf(runner.get("state"));
                if (pool.equals(runner.get("pool"))
                        && name != null
                        && !taken.contains(name.toString())
                        && (state.equals("idle") || state.equals("unregistered"))) {
                    return name.toString();
                }
            }
            Thread.sleep(500); // polling a remote service for the demo's own pace, not synchronising threads
        }
        throw new IllegalStateException("no runner of " + pool + " came up within 2 minutes");
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> runners() throws Exception {
        Map<String, Object> answer = (Map<String, Object>) Json.parse(get("/api/v1/runners"));
        return (List<Map<String, Object>>) answer.get("items");
    }

    /** Prints the pool table when it changed, then waits. */
    @SuppressWarnings("unchecked")
    private void showPools(Duration wait) throws Exception {
        Map<String, Object> answer = (Map<String, Object>) Json.parse(get("/api/v1/pools"));
        StringBuilder table = new StringBuilder(String.format(
                "   %-16s %6s %7s %11s %7s %7s %4s %4s %-6s%n",
                "pool", "queued", "running", "desired", "pending", "idle", "busy", "max", "decision"));
        for (Map<String, Object> pool : (List<Map<String, Object>>) answer.get("items")) {
            Map<String, Object> last = (Map<String, Object>) pool.get("lastDecision");
            long idle = number(pool.get("idle")) + number(pool.get("unregistered"));
            table.append(String.format(
                    "   %-16s %6d %7d %11s %7d %7d %4d %4d %-6s%n",
                    pool.get("name"),
                    number(pool.get("queued")),
                    number(pool.get("inProgress")),
                    pool.get("desired") == null ? "-" : pool.get("desired").toString(),
                    number(pool.get("pending")),
                    idle,
                    number(pool.get("busy")),
                    number(pool.get("max")),
                    last == null ? "-" : last.get("reason")));
        }
        if (!table.toString().equals(lastTable)) {
            System.out.print(table);
            lastTable = table.toString();
        }
        if (!wait.isZero()) {
            Thread.sleep(wait.toMillis()); // the demo's pace, for a person to follow
        }
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }

    /** Signs and posts the example payload of {@code action}, rewritten for this job, as GitHub would send it. */
    private void deliver(Job job, String action, String runnerName) throws Exception {
        String body = Files.readString(examples.resolve("workflow_job." + action + ".json"));
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        body = body.replace("31700000001", Long.toString(job.id()))
                .replace("11800000001", Long.toString(job.id() / 10))
                .replace("\"spot\"", job.pool().labels().contains("large") ? "\"large\"" : "\"spot\"")
                .replace("2026-11-30T09:14:03Z", now.toString())
                .replace("2026-11-30T09:14:41Z", now.toString())
                .replace("2026-11-30T09:21:08Z", now.toString());
        if (runnerName != null) {
            body = body.replace("rs-linux-x64-spot-0-k2j9d", runnerName);
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        HttpResponse<String> answer = HTTP.send(
                HttpRequest.newBuilder(URI.create(url + "/webhooks/github"))
                        .header("Content-Type", "application/json")
                        .header("X-GitHub-Event", "workflow_job")
                        .header("X-GitHub-Delivery", UUID.randomUUID().toString())
                        .header("X-Hub-Signature-256", signature)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 202) {
            throw new IllegalStateException("the webhook answered " + answer.statusCode() + ": " + answer.body());
        }
    }

    private String get(String path) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10));
        if (!token.isBlank()) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return answer.body();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /**
     * Enough JSON to read the operator API's answers in a script that runs on the JDK alone: objects, arrays,
     * strings, numbers, true, false, null.
     */
    static final class Json {
        private final String text;
        private int at;

        private Json(String text) {
            this.text = text;
        }

        static Object parse(String text) {
            Json json = new Json(text);
            Object value = json.value();
            json.space();
            if (json.at != text.length()) {
                throw new IllegalArgumentException("trailing characters at " + json.at);
            }
            return value;
        }

        private Object value() {
            space();
            char c = text.charAt(at);
            switch (c) {
                case '{' -> {
                    Map<String, Object> object = new LinkedHashMap<>();
                    at++;
                    space();
                    if (text.charAt(at) == '}') {
                        at++;
                        return object;
                    }
                    do {
                        space();
                        String key = string();
                        space();
                        expect(':');
                        object.put(key, value());
                        space();
                    } while (text.charAt(at++) == ',');
                    return object;
                }
                case '[' -> {
                    List<Object> array = new ArrayList<>();
                    at++;
                    space();
                    if (text.charAt(at) == ']') {
                        at++;
                        return array;
                    }
                    do {
                        array.add(value());
                        space();
                    } while (text.charAt(at++) == ',');
                    return array;
                }
                case '"' -> {
                    return string();
                }
                default -> {
                    int start = at;
                    while (at < text.length() && ",}] \n\r\t".indexOf(text.charAt(at)) < 0) {
                        at++;
                    }
                    String literal = text.substring(start, at);
                    return switch (literal) {
                        case "true" -> Boolean.TRUE;
                        case "false" -> Boolean.FALSE;
                        case "null" -> null;
                        default -> literal.contains(".") || literal.contains("e") || literal.contains("E")
                                ? (Object) Double.parseDouble(literal)
                                : (Object) Long.parseLong(literal);
                    };
                }
            }
        }

        private String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (text.charAt(at) != '"') {
                char c = text.charAt(at++);
                if (c == '\\') {
                    char e = text.charAt(at++);
                    switch (e) {
                        case 'n' -> out.append('\n');
                        case 't' -> out.append('\t');
                        case 'r' -> out.append('\r');
                        case 'b' -> out.append('\b');
                        case 'f' -> out.append('\f');
                        case 'u' -> {
                            out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                            at += 4;
                        }
                        default -> out.append(e);
                    }
                } else {
                    out.append(c);
                }
            }
            at++;
            return out.toString();
        }

        private void expect(char c) {
            if (text.charAt(at) != c) {
                throw new IllegalArgumentException("expected '" + c + "' at " + at);
            }
            at++;
        }

        private void space() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }
    }
}
