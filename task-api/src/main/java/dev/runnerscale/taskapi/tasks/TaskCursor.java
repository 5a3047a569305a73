package dev.runnerscale.taskapi.tasks;

import dev.runnerscale.taskapi.web.ApiProblem;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.UUID;

/**
 * Opaque position in a listing: the sort order it belongs to, the sort key and id of the last task returned.
 * Base64url of {@code v1|sort:direction|key|id}; clients must treat it as opaque.
 */
record TaskCursor(String sort, String key, UUID id) {

    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    static TaskCursor after(TaskSort sort, Task last) {
        return new TaskCursor(sort.token(), sort.field().key(last), last.id());
    }

    String encode() {
        String plain = "v1|" + sort + "|" + key + "|" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /** Decodes and checks that the cursor was made for the same sort order as this request. */
    static TaskCursor decode(String cursor, TaskSort sort) {
        String[] parts;
        try {
            parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", -1);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        if (parts.length != 4 || !parts[0].equals("v1")) {
            throw invalid();
        }
        if (!parts[1].equals(sort.token())) {
            throw ApiProblem.badRequest(
                    "invalid-cursor", "The cursor belongs to another sort order; repeat the sort and direction.");
        }
        try {
            // Only keys PostgreSQL reads back as timestamptz, as this API issues them (four-digit years).
            if (!parts[2].equals("infinity")) {
                Instant key = Instant.parse(parts[2]);
                if (key.isBefore(EARLIEST) || key.isAfter(LATEST)) {
                    throw invalid();
                }
            }
            return new TaskCursor(parts[1], parts[2], UUID.fromString(parts[3]));
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw invalid();
        }
    }

    private static ApiProblem invalid() {
        return ApiProblem.badRequest("invalid-cursor", "The cursor is not one this API issued.");
    }
}
