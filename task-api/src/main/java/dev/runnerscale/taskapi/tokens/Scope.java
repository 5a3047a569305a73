package dev.runnerscale.taskapi.tokens;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.Optional;

/** What a token may do. Scopes do not imply one another: {@code admin} alone cannot read tasks. */
public enum Scope {
    @JsonProperty("tasks:read")
    TASKS_READ("tasks:read"),
    @JsonProperty("tasks:write")
    TASKS_WRITE("tasks:write"),
    @JsonProperty("admin")
    ADMIN("admin");

    private final String value;

    Scope(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    /** The Spring Security authority a token with this scope holds ({@code SCOPE_tasks:read}, as OAuth2 names them). */
    public String authority() {
        return "SCOPE_" + value;
    }

    static Optional<Scope> fromValue(String value) {
        return Arrays.stream(values()).filter(s -> s.value.equals(value)).findFirst();
    }
}
