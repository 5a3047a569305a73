package dev.runnerscale.taskapi.tasks;

import java.time.Instant;
import java.util.UUID;

/** What is left of a deleted task until the retention expires; shown in a 409 that a delete won. */
public record Tombstone(UUID id, boolean deleted, Instant clientTimestamp, Instant deletedAt) {

    Tombstone(UUID id, Instant clientTimestamp, Instant deletedAt) {
        this(id, true, clientTimestamp, deletedAt);
    }
}
