package dev.runnerscale.autoscaler.webhook;

import dev.runnerscale.autoscaler.jobs.JobObservation;
import dev.runnerscale.autoscaler.jobs.JobStatus;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a {@code workflow_job} payload with a streaming parser, taking only the fields the ledger needs and
 * skipping the rest (steps, URLs, sender, ...) without building a tree: the body is parsed on every delivery.
 */
final class WorkflowJobParser {

    /** The {@code workflow_job} actions the ledger records; any other action is acknowledged and ignored. */
    static final Set<String> ACTIONS = Set.of("queued", "waiting", "in_progress", "completed");

    private final JsonMapper json;

    WorkflowJobParser(JsonMapper json) {
        this.json = json;
    }

    /** The action alone, when it is not one we record; else the whole event. */
    sealed interface Result permits Ignored, Parsed {}

    record Ignored(String action) implements Result {}

    record Parsed(WorkflowJobEvent event) implements Result {}

    Result parse(byte[] body, int length, String deliveryId, Instant receivedAt) {
        Fields f = new Fields();
        try (JsonParser p = json.createParser(body, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw invalid("the body must be a JSON object");
            }
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "action" -> f.action = string(p, "action");
                    case "workflow_job" -> readJob(p, f);
                    case "repository" -> readRepository(p, f);
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw invalid("unexpected content after the JSON object");
            }
        } catch (JacksonException e) {
            throw invalid("malformed JSON: " + e.getOriginalMessage());
        }
        require(f.action, "action");
        if (!ACTIONS.contains(f.action)) {
            return new Ignored(f.action);
        }
        if (!f.sawJob) {
            throw invalid("missing required field workflow_job");
        }
        require(f.jobId, "workflow_job.id");
        require(f.runId, "workflow_job.run_id");
        require(f.labels, "workflow_job.labels");
        require(f.repositoryName, "repository.name");
        require(f.fullName, "repository.full_name");
        require(f.owner, "repository.owner.login");
        if (f.visibility == null && f.privateRepository == null) {
            throw invalid("missing required field repository.private");
        }
        boolean publicRepository =
                f.visibility != null ? "public".equalsIgnoreCase(f.visibility) : !f.privateRepository;
        JobStatus status = status(f.status, f.action);
        JobObservation observation = new JobObservation(
                f.jobId,
                f.runId,
                f.runAttempt == null ? 1 : f.runAttempt,
                f.owner,
                f.repositoryName,
                f.workflowName,
                f.jobName,
                f.labels,
                status,
                f.conclusion,
                f.createdAt,
                f.startedAt,
                f.completedAt,
                f.runnerId,
                f.runnerName,
                deliveryId,
                receivedAt);
        return new Parsed(new WorkflowJobEvent(f.action, observation, f.owner, f.fullName, publicRepository));
    }

    /**
     * The job's own status wins over the action: a job held by an environment approval arrives as
     * {@code action: queued} with {@code status: waiting}, and is not demand until it is really queued.
     */
    private static JobStatus status(String status, String action) {
        String word = status != null && ACTIONS.contains(status) ? status : action;
        return JobStatus.fromWire(word);
    }

    private static final class Fields {
        String action;
        boolean sawJob;
        Long jobId;
        Long runId;
        Integer runAttempt;
        String workflowName;
        String jobName;
        List<String> labels;
        String status;
        String conclusion;
        Instant createdAt;
        Instant startedAt;
        Instant completedAt;
        Long runnerId;
        String runnerName;
        String repositoryName;
        String fullName;
        String owner;
        Boolean privateRepository;
        String visibility;
    }

    private static void readJob(JsonParser p, Fields f) {
        expectObject(p, "workflow_job");
        f.sawJob = true;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "id" -> f.jobId = number(p, "workflow_job.id");
                case "run_id" -> f.runId = number(p, "workflow_job.run_id");
                case "run_attempt" -> {
                    Long attempt = number(p, "workflow_job.run_attempt");
                    if (attempt != null && (attempt < 1 || attempt > Integer.MAX_VALUE)) {
                        throw invalid("workflow_job.run_attempt is out of range");
                    }
                    f.runAttempt = attempt == null ? null : attempt.intValue();
                }
                case "workflow_name" -> f.workflowName = string(p, "workflow_job.workflow_name");
                case "name" -> f.jobName = string(p, "workflow_job.name");
                case "labels" -> f.labels = strings(p, "workflow_job.labels");
                case "status" -> f.status = string(p, "workflow_job.status");
                case "conclusion" -> f.conclusion = string(p, "workflow_job.conclusion");
                case "created_at" -> f.createdAt = time(p, "workflow_job.created_at");
                case "started_at" -> f.startedAt = time(p, "workflow_job.started_at");
                case "completed_at" -> f.completedAt = time(p, "workflow_job.completed_at");
                case "runner_id" -> f.runnerId = number(p, "workflow_job.runner_id");
                case "runner_name" -> f.runnerName = string(p, "workflow_job.runner_name");
                default -> p.skipChildren();
            }
        }
    }

    private static void readRepository(JsonParser p, Fields f) {
        expectObject(p, "repository");
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "name" -> f.repositoryName = string(p, "repository.name");
                case "full_name" -> f.fullName = string(p, "repository.full_name");
                case "private" -> {
                    if (!p.currentToken().isBoolean()) {
                        throw invalid("repository.private must be a boolean");
                    }
                    f.privateRepository = p.getBooleanValue();
                }
                case "visibility" -> f.visibility = string(p, "repository.visibility");
                case "owner" -> {
                    expectObject(p, "repository.owner");
                    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                        String ownerField = p.currentName();
                        p.nextToken();
                        if (ownerField.equals("login")) {
                            f.owner = string(p, "repository.owner.login");
                        } else {
                            p.skipChildren();
                        }
                    }
                }
                default -> p.skipChildren();
            }
        }
    }

    private static void expectObject(JsonParser p, String field) {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw invalid(field + " must be an object");
        }
    }

    private static String string(JsonParser p, String field) {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw invalid(field + " must be a string");
        }
        return p.getString();
    }

    private static Long number(JsonParser p, String field) {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw invalid(field + " must be an integer");
        }
        return p.getLongValue();
    }

    private static List<String> strings(JsonParser p, String field) {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw invalid(field + " must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                throw invalid(field + " must be an array of strings");
            }
            out.add(p.getString());
        }
        return out;
    }

    private static Instant time(JsonParser p, String field) {
        String text = string(p, field);
        if (text == null) {
            return null;
        }
        try {
            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(text, Instant::from);
        } catch (DateTimeParseException e) {
            throw invalid(field + " must be an ISO-8601 timestamp");
        }
    }

    private static void require(Object value, String field) {
        if (value == null) {
            throw invalid("missing required field " + field);
        }
    }

    private static WebhookRejectedException invalid(String detail) {
        return WebhookRejectedException.invalid(detail);
    }
}
