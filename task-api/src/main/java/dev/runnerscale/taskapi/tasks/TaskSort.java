package dev.runnerscale.taskapi.tasks;

import dev.runnerscale.taskapi.web.ApiProblem;
import java.time.Instant;

/** A whitelisted sort order for listing; user input never reaches the SQL text. */
record TaskSort(Field field, boolean ascending) {

    enum Field {
        CREATED("created", "created_at"),
        UPDATED("updated", "updated_at"),
        // Tasks without a due date sort after every dated one (ascending), as if due at infinity.
        DUE("due", "coalesce(due_at, 'infinity'::timestamptz)");

        private final String parameter;
        private final String sqlExpression;

        Field(String parameter, String sqlExpression) {
            this.parameter = parameter;
            this.sqlExpression = sqlExpression;
        }

        String parameter() {
            return parameter;
        }

        String sqlExpression() {
            return sqlExpression;
        }

        /** The cursor key of a task for this field, as PostgreSQL reads it back as timestamptz. */
        String key(Task task) {
            Instant value = switch (this) {
                case CREATED -> task.createdAt();
                case UPDATED -> task.updatedAt();
                case DUE -> task.dueAt();
            };
            return value == null ? "infinity" : value.toString();
        }
    }

    static TaskSort parse(String sort, String direction) {
        Field field = null;
        for (Field candidate : Field.values()) {
            if (candidate.parameter.equals(sort)) {
                field = candidate;
            }
        }
        if (field == null) {
            throw ApiProblem.badRequest("invalid-parameter", "sort must be one of created, updated, due.");
        }
        return switch (direction) {
            case "asc" -> new TaskSort(field, true);
            case "desc" -> new TaskSort(field, false);
            default -> throw ApiProblem.badRequest("invalid-parameter", "direction must be asc or desc.");
        };
    }

    String token() {
        return field.parameter + (ascending ? ":asc" : ":desc");
    }
}
