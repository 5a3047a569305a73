package dev.runnerscale.taskapi.tasks;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A row of {@code tasks} as stored: a live task or a tombstone, with the version of the write that won. */
record StoredTask(
        UUID id,
        String owner,
        Instant clientTimestamp,
        byte[] contentHash,
        int lastStatus,
        @Nullable Task task,
        @Nullable Tombstone tombstone) {

    boolean deleted() {
        return tombstone != null;
    }

    /** The task or its tombstone, for a 409 body. */
    Object current() {
        return task != null ? task : tombstone;
    }
}
