package dev.runnerscale.chartchecks.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A real Prometheus (Debian's package) on loopback, scraping the services' management ports every second. */
public final class Prometheus implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final URI base;
    private final Path log;

    /** The answer of {@code /api/v1/query}: success or Prometheus's error, and the number of series. */
    public record Result(boolean success, String error, int series) {}

    private Prometheus(Process process, URI base, Path log) {
        this.process = process;
        this.base = base;
        this.log = log;
    }

    /** @param targets scrape job name → management port on 127.0.0.1 */
    public static Prometheus start(Path binary, Path directory, Map<String, Integer> targets) {
        StringBuilder config = new StringBuilder("""
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                scrape_configs:
                """);
        targets.forEach((job, port) -> config.append("""
                  - job_name: %s
                    metrics_path: /actuator/prometheus
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                """.formatted(job, port)));
        int port = ServiceProcess.freePort();
        try {
            Files.writeString(directory.resolve("prometheus.yml"), config);
            Path log = directory.resolve("prometheus.log");
            Process process = new ProcessBuilder(
                            binary.toString(),
                            "--config.file=" + directory.resolve("prometheus.yml"),
                            "--storage.tsdb.path=" + directory.resolve("data"),
                            "--web.listen-address=127.0.0.1:" + port,
                            "--log.level=warn")
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            Prometheus prometheus = new Prometheus(process, URI.create("http://127.0.0.1:" + port), log);
            Awaitility.await("Prometheus ready")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new AssertionError("prometheus exited: " + Files.readString(log));
                        }
                        return prometheus.status("/-/ready") == 200;
                    });
            return prometheus;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An instant query now. */
    public Result query(String promql) {
        JsonNode answer = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        if (!"success".equals(answer.path("status").asString())) {
            return new Result(
                    false,
                    answer.path("errorType").asString() + ": "
                            + answer.path("error").asString(),
                    0);
        }
        JsonNode result = answer.path("data").path("result");
        int series = answer.path("data").path("resultType").asString().equals("scalar") ? 1 : result.size();
        return new Result(true, null, series);
    }

    /** Every metric name Prometheus has samples of. */
    public Set<String> metricNames() {
        Set<String> names = new TreeSet<>();
        get("/api/v1/label/__name__/values").path("data").forEach(n -> names.add(n.asString()));
        return names;
    }

    /** The health of every scrape target, by job. */
    public List<String> unhealthyTargets() {
        List<String> down = new ArrayList<>();
        for (JsonNode target : get("/api/v1/targets").path("data").path("activeTargets")) {
            if (!"up".equals(target.path("health").asString())) {
                down.add(target.path("labels").path("job").asString() + ": "
                        + target.path("lastError").asString());
            }
        }
        return down;
    }

    private JsonNode get(String path) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(base.resolve(path))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private int status(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
