package dev.runnerscale.autoscaler.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The project's own {@code workflow_job} fixtures: complete payloads shaped like GitHub's (see the real examples in
 * {@code ../shared/github/webhooks/}), with the fields a test cares about set explicitly.
 */
public final class Payloads {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Payloads() {}

    /** A job of {@code owner/repo} in the given action and status, with times and runner fields as GitHub sets them. */
    public static Job job(long id) {
        return new Job(id);
    }

    public static final class Job {
        private final long id;
        private String action = "queued";
        private String status = "queued";
        private String owner = "acme";
        private String repo = "app";
        private boolean privateRepository = true;
        private List<String> labels = List.of("self-hosted", "linux", "x64");
        private int padding;

        private Job(long id) {
            this.id = id;
        }

        /** Action and status as GitHub sends them together ({@code waiting} uses both words). */
        public Job action(String action) {
            this.action = action;
            this.status = action;
            return this;
        }

        public Job status(String status) {
            this.status = status;
            return this;
        }

        public Job repository(String owner, String repo, boolean privateRepository) {
            this.owner = owner;
            this.repo = repo;
            this.privateRepository = privateRepository;
            return this;
        }

        public Job labels(String... labels) {
            this.labels = List.of(labels);
            return this;
        }

        /** Adds steps until the body is at least {@code bytes} long (GitHub's bodies are 8-12 KB). */
        public Job paddedTo(int bytes) {
            this.padding = bytes;
            return this;
        }

        public ObjectNode node() {
            ObjectNode root = JSON.createObjectNode();
            root.put("action", action);
            ObjectNode job = root.putObject("workflow_job");
            job.put("id", id);
            job.put("run_id", id / 10 + 1);
            job.put("workflow_name", "CI");
            job.put("head_branch", "main");
            job.put("run_url", "https://api.github.com/repos/" + owner + "/" + repo + "/actions/runs/" + (id / 10 + 1));
            job.put("run_attempt", 1);
            job.put("node_id", "CR_" + id);
            job.put("head_sha", "f7a3b5c1d2e4f60718293a4b5c6d7e8f90a1b2c3");
            job.put("url", "https://api.github.com/repos/" + owner + "/" + repo + "/actions/jobs/" + id);
            job.put("html_url", "https://github.com/" + owner + "/" + repo + "/actions/runs/1/job/" + id);
            job.put("status", status);
            boolean running = status.equals("in_progress") || status.equals("completed");
            boolean completed = status.equals("completed");
            if (completed) {
                job.put("conclusion", "success");
            } else {
                job.putNull("conclusion");
            }
            job.put("created_at", "2026-11-21T10:00:00Z");
            // GitHub fills started_at with the creation time while a job is queued
            job.put("started_at", running ? "2026-11-21T10:00:30Z" : "2026-11-21T10:00:00Z");
            if (completed) {
                job.put("completed_at", "2026-11-21T10:05:30Z");
            } else {
                job.putNull("completed_at");
            }
            job.put("name", "build");
            ArrayNode steps = job.putArray("steps");
            ArrayNode jobLabels = job.putArray("labels");
            labels.forEach(jobLabels::add);
            if (running) {
                job.put("runner_id", 42);
                job.put("runner_name", "linux-x64-spot-7");
                job.put("runner_group_id", 1);
                job.put("runner_group_name", "Default");
            } else {
                job.putNull("runner_id");
                job.putNull("runner_name");
                job.putNull("runner_group_id");
                job.putNull("runner_group_name");
            }
            ObjectNode repository = root.putObject("repository");
            repository.put("id", 1296269);
            repository.put("name", repo);
            repository.put("full_name", owner + "/" + repo);
            repository.put("private", privateRepository);
            repository.putObject("owner").put("login", owner).put("id", 1).put("type", "Organization");
            repository.put("html_url", "https://github.com/" + owner + "/" + repo);
            root.putObject("organization").put("login", owner);
            root.putObject("sender").put("login", "octocat").put("id", 583231);
            int step = 1;
            while (JSON.writeValueAsBytes(root).length < padding) {
                ObjectNode s = steps.addObject();
                s.put("name", "Run step number " + step + " of the build with a realistic, longer description");
                s.put("status", "completed");
                s.put("conclusion", "success");
                s.put("number", step++);
                s.put("started_at", "2026-11-21T10:00:31Z");
                s.put("completed_at", "2026-11-21T10:00:32Z");
            }
            return root;
        }

        public byte[] bytes() {
            return JSON.writeValueAsBytes(node());
        }
    }

    /** A shared example payload (as bytes) with its JSON edited by {@code edit}. */
    public static byte[] shared(String file, java.util.function.Consumer<ObjectNode> edit) {
        JsonNode node = JSON.readTree(SharedReference.read("github/webhooks/" + file));
        ObjectNode root = (ObjectNode) node;
        edit.accept(root);
        return JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
    }
}
