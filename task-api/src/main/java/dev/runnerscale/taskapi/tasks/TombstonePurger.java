package dev.runnerscale.taskapi.tasks;

import dev.runnerscale.taskapi.config.TaskApiProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Drops tombstones after {@code taskapi.tombstones.retention}. Safe on every instance at once: the DELETE is
 * idempotent. After purging, a write older than the delete could recreate the task, hence a retention well above
 * how long clients keep retrying.
 */
@Component
class TombstonePurger {

    private static final Logger log = LoggerFactory.getLogger(TombstonePurger.class);

    private final TaskRepository tasks;
    private final TaskApiProperties properties;

    TombstonePurger(TaskRepository tasks, TaskApiProperties properties) {
        this.tasks = tasks;
        this.properties = properties;
    }

    @Scheduled(
            fixedDelayString = "${taskapi.tombstones.purge-interval:1h}",
            initialDelayString = "${taskapi.tombstones.purge-interval:1h}")
    void purgeExpired() {
        int purged = tasks.purgeTombstones(properties.tombstones().retention());
        if (purged > 0) {
            log.info("Purged {} expired tombstones", purged);
        }
    }
}
