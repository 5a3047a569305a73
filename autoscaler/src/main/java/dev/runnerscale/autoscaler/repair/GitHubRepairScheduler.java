package dev.runnerscale.autoscaler.repair;

import dev.runnerscale.autoscaler.leader.Leadership;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the missed-event repair and the redelivery scan on one background thread, each at its own fixed delay,
 * and only while this replica leads: GitHub should see one caller, not one per replica.
 */
public final class GitHubRepairScheduler implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(GitHubRepairScheduler.class);

    private final Leadership leadership;
    private final List<Task> tasks;
    private ScheduledExecutorService executor;

    public GitHubRepairScheduler(
            Leadership leadership,
            Optional<MissedEventRepair> repair,
            Duration repairInterval,
            Optional<WebhookRedelivery> redelivery,
            Duration redeliveryInterval) {
        this.leadership = leadership;
        List<Task> list = new ArrayList<>();
        repair.ifPresent(r -> list.add(new Task("missed-event-repair", repairInterval, r::repairOnce)));
        redelivery.ifPresent(r -> list.add(new Task("webhook-redelivery", redeliveryInterval, r::scanOnce)));
        this.tasks = List.copyOf(list);
    }

    private record Task(String name, Duration interval, Supplier<?> pass) {}

    @Override
    public synchronized void start() {
        if (executor != null || tasks.isEmpty()) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "github-repair");
            t.setDaemon(true);
            return t;
        });
        for (Task task : tasks) {
            executor.scheduleWithFixedDelay(
                    () -> runPass(task),
                    task.interval().toMillis(),
                    task.interval().toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    private void runPass(Task task) {
        if (!leadership.isLeader()) {
            return;
        }
        MDC.put("pass", task.name() + "-" + UUID.randomUUID().toString().substring(0, 8));
        try {
            Object result = task.pass().get();
            log.debug("{} pass: {}", task.name(), result);
        } catch (RuntimeException e) {
            // A scheduled executor silently cancels a task whose run throws: log and keep the schedule alive.
            log.error("{} pass failed; the next pass retries", task.name(), e);
        } finally {
            MDC.remove("pass");
        }
    }

    @Override
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }
}
