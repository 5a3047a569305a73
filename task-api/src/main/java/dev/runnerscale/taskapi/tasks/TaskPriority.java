package dev.runnerscale.taskapi.tasks;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum TaskPriority {
    @JsonProperty("low")
    LOW("low"),
    @JsonProperty("medium")
    MEDIUM("medium"),
    @JsonProperty("high")
    HIGH("high");

    private final String value;

    TaskPriority(String value) {
        this.value = value;
    }

    String value() {
        return value;
    }

    static TaskPriority fromValue(String value) {
        for (TaskPriority priority : values()) {
            if (priority.value.equals(value)) {
                return priority;
            }
        }
        throw new IllegalArgumentException("Unknown priority " + value);
    }
}
