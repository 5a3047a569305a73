package dev.runnerscale.taskapi.tasks;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A live task as clients see it. {@code clientTimestamp} is the time of intent of the write that produced this
 * state; {@code createdAt}/{@code updatedAt} are server times.
 */
public record Task(
        UUID id,
        String title,
        @Nullable String description,
        TaskStatus status,
        TaskPriority priority,
        @Nullable Instant dueAt,
        Instant createdAt,
        Instant updatedAt,
        Instant clientTimestamp) {}
