package dev.runnerscale.taskapi.tasks;

import dev.runnerscale.taskapi.tokens.Caller;
import dev.runnerscale.taskapi.web.ApiProblem;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/tasks")
class TaskController {

    // PostgreSQL text cannot hold NUL; refusing it here keeps it a 400 instead of a database error.
    static final String NO_NUL = "[^\\x00]*";
    static final String NO_NUL_MESSAGE = "must not contain NUL characters";
    // timestamptz stores years 4713 BC to 294276 AD; a due date is kept to four-digit years.
    private static final Instant EARLIEST_DUE = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST_DUE = Instant.parse("9999-12-31T23:59:59.999Z");

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;

    private final TaskService service;
    private final ClientTimestamps timestamps;

    TaskController(TaskService service, ClientTimestamps timestamps) {
        this.service = service;
        this.timestamps = timestamps;
    }

    /** A create; {@code id} is optional and makes the create idempotent (and lets clients retry it safely). */
    record CreateTaskRequest(
            @Nullable UUID id,

            @NotBlank @Size(max = 200) @Pattern(regexp = NO_NUL, message = NO_NUL_MESSAGE)
            String title,

            @Nullable @Size(max = 10_000) @Pattern(regexp = NO_NUL, message = NO_NUL_MESSAGE)
            String description,

            @Nullable TaskStatus status,
            @Nullable TaskPriority priority,
            @Nullable Instant dueAt) {

        TaskContent content() {
            return TaskController.content(title, description, status, priority, dueAt);
        }
    }

    /** A full replacement: omitted optional fields take their defaults, as in a create. */
    record ReplaceTaskRequest(
            @NotBlank @Size(max = 200) @Pattern(regexp = NO_NUL, message = NO_NUL_MESSAGE)
            String title,

            @Nullable @Size(max = 10_000) @Pattern(regexp = NO_NUL, message = NO_NUL_MESSAGE)
            String description,

            @Nullable TaskStatus status,
            @Nullable TaskPriority priority,
            @Nullable Instant dueAt) {

        TaskContent content() {
            return TaskController.content(title, description, status, priority, dueAt);
        }
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<?> create(
            @AuthenticationPrincipal Caller caller,
            @RequestHeader(name = ClientTimestamps.HEADER, required = false) @Nullable String clientTimestamp,
            @Valid @RequestBody CreateTaskRequest body) {
        Instant clientTs = timestamps.parse(clientTimestamp);
        UUID id = body.id() != null ? body.id() : UUID.randomUUID();
        WriteResult result = service.put(caller.owner(), id, clientTs, body.content());
        if (result instanceof WriteResult.ForeignId) {
            // Distinct from a stale write and without data: the id is taken, by whom is none of the caller's business.
            throw new ApiProblem(
                    HttpStatus.CONFLICT, "id-unavailable", "Id unavailable", "The id " + id + " cannot be used.");
        }
        return answer(id, result);
    }

    @GetMapping
    TaskService.Page list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable String status,
            @RequestParam(defaultValue = "created") String sort,
            @RequestParam(defaultValue = "asc") String direction,
            @RequestParam(defaultValue = "" + DEFAULT_LIMIT) int limit,
            @RequestParam(required = false) @Nullable String cursor) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiProblem.badRequest("invalid-parameter", "limit must be between 1 and " + MAX_LIMIT + ".");
        }
        TaskSort order = TaskSort.parse(sort, direction);
        TaskCursor after = cursor == null ? null : TaskCursor.decode(cursor, order);
        return service.list(caller.owner(), status == null ? null : status(status), order, after, limit);
    }

    @GetMapping("/{id}")
    Task get(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        return service.find(caller.owner(), id).orElseThrow(() -> notFound(id));
    }

    @PutMapping(path = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<?> replace(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID id,
            @RequestHeader(name = ClientTimestamps.HEADER, required = false) @Nullable String clientTimestamp,
            @Valid @RequestBody ReplaceTaskRequest body) {
        Instant clientTs = timestamps.parse(clientTimestamp);
        WriteResult result = service.put(caller.owner(), id, clientTs, body.content());
        return answer(id, result);
    }

    @DeleteMapping("/{id}")
    ResponseEntity<?> delete(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID id,
            @RequestHeader(name = ClientTimestamps.HEADER, required = false) @Nullable String clientTimestamp) {
        Instant clientTs = timestamps.parse(clientTimestamp);
        return answer(id, service.delete(caller.owner(), id, clientTs));
    }

    private static ResponseEntity<?> answer(UUID id, WriteResult result) {
        if (result instanceof WriteResult.Answered answered) {
            if (answered.status() == HttpStatus.CREATED.value()) {
                return ResponseEntity.created(URI.create("/tasks/" + id)).body(answered.task());
            }
            return answered.task() == null
                    ? ResponseEntity.status(answered.status()).build()
                    : ResponseEntity.status(answered.status()).body(answered.task());
        }
        if (result instanceof WriteResult.Stale stale) {
            throw new ApiProblem(
                    HttpStatus.CONFLICT,
                    "stale-write",
                    "Stale write",
                    "A write with a later client timestamp already holds task " + id + "; nothing was changed.",
                    Map.of("current", stale.current()));
        }
        // WriteResult.ForeignId: another owner's task is, for this caller, no task at all.
        throw notFound(id);
    }

    private static TaskContent content(
            String title,
            @Nullable String description,
            @Nullable TaskStatus status,
            @Nullable TaskPriority priority,
            @Nullable Instant dueAt) {
        if (dueAt != null && (dueAt.isBefore(EARLIEST_DUE) || dueAt.isAfter(LATEST_DUE))) {
            throw new ApiProblem(
                    HttpStatus.BAD_REQUEST,
                    "invalid-body",
                    "Invalid request body",
                    "The request body is invalid.",
                    Map.of(
                            "errors",
                            List.of(Map.of("field", "dueAt", "message", "must be within years 0001 to 9999"))));
        }
        return new TaskContent(
                title,
                description,
                status == null ? TaskStatus.TODO : status,
                priority == null ? TaskPriority.MEDIUM : priority,
                dueAt);
    }

    private static TaskStatus status(String value) {
        try {
            return TaskStatus.fromValue(value);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("invalid-parameter", "status must be one of todo, in_progress, done.");
        }
    }

    private static ApiProblem notFound(UUID id) {
        return ApiProblem.notFound("No task " + id + ".");
    }
}
