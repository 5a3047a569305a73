package dev.runnerscale.taskapi.tasks;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum TaskStatus {
    @JsonProperty("todo")
    TODO("todo"),
    @JsonProperty("in_progress")
    IN_PROGRESS("in_progress"),
    @JsonProperty("done")
    DONE("done");

    private final String value;

    TaskStatus(String value) {
        this.value = value;
    }

    String value() {
        return value;
    }

    static TaskStatus fromValue(String value) {
        for (TaskStatus status : values()) {
            if (status.value.equals(value)) {
                return status;
            }
        }
        throw new IllegalArgumentException("Unknown status " + value);
    }
}
