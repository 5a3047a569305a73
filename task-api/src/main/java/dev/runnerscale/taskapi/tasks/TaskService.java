package dev.runnerscale.taskapi.tasks;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

/**
 * The last-writer-wins rules. Per task, writes are ordered by {@code (client timestamp, content hash)}; the
 * greatest wins whatever the arrival order, so any permutation of the same writes ends in the same state:
 *
 * <ul>
 *   <li>a write greater than the stored version replaces it (a create/replace on a tombstone recreates the task);
 *   <li>a write equal to the stored version is a replay and is answered as the first time;
 *   <li>a smaller write changes nothing and is answered 409 with the current task or tombstone.
 * </ul>
 */
@Service
class TaskService {

    /** Upsert and explain may race with a tombstone purge in between; a few attempts always settle it. */
    private static final int ATTEMPTS = 3;

    private final TaskRepository tasks;

    TaskService(TaskRepository tasks) {
        this.tasks = tasks;
    }

    WriteResult put(String owner, UUID id, Instant clientTs, TaskContent content) {
        byte[] hash = content.hash();
        return decide(owner, id, hash, () -> tasks.upsert(owner, id, clientTs, content, hash), clientTs);
    }

    WriteResult delete(String owner, UUID id, Instant clientTs) {
        return decide(owner, id, TaskContent.DELETE_HASH, () -> tasks.delete(owner, id, clientTs), clientTs);
    }

    Optional<Task> find(String owner, UUID id) {
        return tasks.findLive(owner, id);
    }

    record Page(List<Task> items, @Nullable String nextCursor) {}

    Page list(String owner, @Nullable TaskStatus status, TaskSort sort, @Nullable TaskCursor after, int limit) {
        // One extra row tells whether there is a next page without a count query.
        List<Task> rows = tasks.list(owner, status, sort, after, limit + 1);
        if (rows.size() <= limit) {
            return new Page(rows, null);
        }
        List<Task> page = rows.subList(0, limit);
        return new Page(
                List.copyOf(page), TaskCursor.after(sort, page.get(limit - 1)).encode());
    }

    private WriteResult decide(
            String owner, UUID id, byte[] hash, Supplier<Optional<StoredTask>> write, Instant clientTs) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<StoredTask> won = write.get();
            if (won.isPresent()) {
                return new WriteResult.Answered(
                        won.get().lastStatus(), won.get().task());
            }
            Optional<StoredTask> stored = tasks.findAnyOwner(id);
            if (stored.isEmpty()) {
                continue; // the row we lost against was a tombstone purged meanwhile: try again
            }
            StoredTask current = stored.get();
            if (!current.owner().equals(owner)) {
                return new WriteResult.ForeignId();
            }
            if (current.clientTimestamp().equals(clientTs) && Arrays.equals(current.contentHash(), hash)) {
                return new WriteResult.Answered(current.lastStatus(), current.task());
            }
            return new WriteResult.Stale(current.current());
        }
        throw new IllegalStateException("Write to task " + id + " did not settle after " + ATTEMPTS + " attempts");
    }
}
