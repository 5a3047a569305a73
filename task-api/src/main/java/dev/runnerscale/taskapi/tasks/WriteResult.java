package dev.runnerscale.taskapi.tasks;

import org.jspecify.annotations.Nullable;

/** How a write was decided. */
sealed interface WriteResult {

    /** The write won now, or is a replay of the write that holds the row: answer {@code status} with the task. */
    record Answered(int status, @Nullable Task task) implements WriteResult {}

    /** A later (or tie-winning) write holds the row; {@code current} is the task or its tombstone. */
    record Stale(Object current) implements WriteResult {}

    /** The id belongs to another owner: nothing is written and nothing about it is revealed. */
    record ForeignId() implements WriteResult {}
}
