package dev.runnerscale.chartchecks.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * One of the project's services started on its local default ({@code Test…Application}, the test classpath main) as
 * a process of its own, in a working directory of its own so that embedded databases never collide. Its classpath is
 * the module's classes and test classes plus {@code target/test-classpath.txt}, which the module's build writes.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final Path log;

    private ServiceProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    public static ServiceProcess start(
            String module,
            String mainClass,
            List<String> systemProperties,
            List<String> arguments,
            Map<String, String> environment,
            Path workDirectory) {
        Path target = Charts.projectDir().resolve(module).resolve("target");
        Path classpathFile = target.resolve("test-classpath.txt");
        if (!Files.isReadable(classpathFile)) {
            throw new IllegalStateException(classpathFile + " is missing: run the checks through Maven with the"
                    + " services in the reactor (./mvnw -pl chart-checks -am verify)");
        }
        try {
            String classpath = String.join(
                    java.io.File.pathSeparator,
                    target.resolve("test-classes").toString(),
                    target.resolve("classes").toString(),
                    Files.readString(classpathFile).trim());
            // an argument file keeps the long classpath off the command line
            Path argFile = workDirectory.resolve("java.args");
            Files.writeString(argFile, "-cp \"" + classpath.replace("\\", "\\\\") + "\"\n");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            // small and quick to start: two services, Prometheus and the build share two cores
            command.addAll(List.of("-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"));
            command.addAll(systemProperties);
            command.add("@" + argFile);
            command.add(mainClass);
            command.addAll(arguments);
            Path log = workDirectory.resolve(module + ".log");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().putAll(environment);
            return new ServiceProcess(module, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until readiness answers 200 on the management port (fails at once if the process died). */
    public void awaitReady(int managementPort, Duration timeout) {
        URI readiness = URI.create("http://127.0.0.1:" + managementPort + "/actuator/health/readiness");
        Awaitility.await(name + " ready")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + logTail());
                    }
                    try {
                        return HTTP.send(
                                                HttpRequest.newBuilder(readiness)
                                                        .timeout(Duration.ofSeconds(2))
                                                        .build(),
                                                HttpResponse.BodyHandlers.discarding())
                                        .statusCode()
                                == 200;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    /** SIGTERM, as Kubernetes stops a pod: Spring's graceful shutdown runs (and the leader hands its Lease back). */
    public int stop(Duration timeout) {
        process.destroy();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(name + " did not stop within " + timeout + " of SIGTERM:\n" + logTail());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
