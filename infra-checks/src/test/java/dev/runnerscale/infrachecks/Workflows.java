package dev.runnerscale.infrachecks;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The repository's workflows, parsed as YAML 1.2, and the runner pools the autoscaler chart declares. */
final class Workflows {

    private static final YAMLMapper YAML = new YAMLMapper();

    record Workflow(Path file, String text, JsonNode yaml) {
        String name() {
            return file.getFileName().toString();
        }

        List<Job> jobs() {
            List<Job> jobs = new ArrayList<>();
            yaml.path("jobs").properties().forEach(e -> jobs.add(new Job(this, e.getKey(), e.getValue())));
            return jobs;
        }
    }

    record Job(Workflow workflow, String id, JsonNode yaml) {
        String where() {
            return workflow.name() + " job " + id;
        }

        List<JsonNode> steps() {
            List<JsonNode> steps = new ArrayList<>();
            yaml.path("steps").forEach(steps::add);
            return steps;
        }

        /** The job's runs-on labels; a single string is one label. Expressions are kept as written. */
        List<String> runsOn() {
            JsonNode runsOn = yaml.path("runs-on");
            List<String> labels = new ArrayList<>();
            if (runsOn.isString()) {
                labels.add(runsOn.asString());
            } else if (runsOn.isArray()) {
                runsOn.forEach(l -> labels.add(l.asString()));
            } else if (runsOn.isObject()) {
                runsOn.path("labels").forEach(l -> labels.add(l.asString()));
                if (runsOn.path("labels").isString()) {
                    labels.add(runsOn.path("labels").asString());
                }
            }
            return labels;
        }
    }

    record Pool(String name, Set<String> labels) {
        /** A job matches a pool whose labels contain all of the job's labels, case-insensitive (contracts.md). */
        boolean serves(List<String> jobLabels) {
            return jobLabels.stream().map(l -> l.toLowerCase(Locale.ROOT)).allMatch(labels::contains);
        }
    }

    private Workflows() {}

    static List<Workflow> load() {
        List<Path> files = Repo.files(
                Repo.WORKFLOWS,
                p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml"));
        List<Workflow> workflows = new ArrayList<>();
        for (Path file : files) {
            String text = Repo.read(file);
            workflows.add(new Workflow(file, text, YAML.readTree(text)));
        }
        return workflows;
    }

    /**
     * The pools of the autoscaler chart's default values ({@code pools[*].labels}). The file must exist: a
     * workflow whose labels no pool serves would wait for a runner forever, so a missing chart fails the check.
     */
    static List<Pool> chartPools() {
        Path values = Repo.AUTOSCALER_VALUES;
        if (!Files.isRegularFile(values)) {
            fail(Repo.relative(values) + " does not exist: the workflows' runs-on labels cannot be checked against "
                    + "the autoscaler chart's pools");
        }
        JsonNode pools = YAML.readTree(Repo.read(values)).path("pools");
        List<Pool> result = new ArrayList<>();
        pools.forEach(pool -> {
            Set<String> labels = new TreeSet<>();
            pool.path("labels").forEach(l -> labels.add(l.asString().toLowerCase(Locale.ROOT)));
            result.add(new Pool(pool.path("name").asString(), labels));
        });
        if (result.isEmpty()) {
            fail(Repo.relative(values) + " declares no pools (a top-level `pools:` list with name and labels)");
        }
        return result;
    }
}
