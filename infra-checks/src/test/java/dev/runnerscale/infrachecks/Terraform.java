package dev.runnerscale.infrachecks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Every Terraform file of the repository as HashiCorp's HCL parser reads it (through {@code tools/hcl2json.cjs}),
 * grouped into module directories. Expressions are kept as their source text, {@code "${var.x}"}.
 */
final class Terraform {

    /** Arguments of a module block that are Terraform's own, not input variables of the module. */
    static final Set<String> MODULE_META_ARGUMENTS =
            Set.of("source", "version", "count", "for_each", "providers", "depends_on");

    private static final Pattern VERSION_EXACT = Pattern.compile("\\d+\\.\\d+\\.\\d+");

    record Variable(String name, JsonNode block) {
        boolean hasDefault() {
            return block.has("default");
        }

        Optional<String> type() {
            return Optional.ofNullable(block.get("type")).map(JsonNode::asString);
        }

        Optional<String> description() {
            return Optional.ofNullable(block.get("description")).map(JsonNode::asString);
        }
    }

    record ModuleCall(String name, Path file, JsonNode block) {
        String source() {
            return block.path("source").asString("");
        }

        Optional<String> version() {
            return Optional.ofNullable(block.get("version")).map(JsonNode::asString);
        }

        boolean isLocal() {
            return source().startsWith("./") || source().startsWith("../");
        }

        boolean isVersionPinnedExactly() {
            return version().map(v -> VERSION_EXACT.matcher(v).matches()).orElse(false);
        }

        Map<String, JsonNode> arguments() {
            Map<String, JsonNode> arguments = new TreeMap<>();
            block.properties().forEach(e -> {
                if (!MODULE_META_ARGUMENTS.contains(e.getKey())) {
                    arguments.put(e.getKey(), e.getValue());
                }
            });
            return arguments;
        }
    }

    /** One directory of .tf files: a module (ours, or an environment's root module). */
    record Module(Path dir, Map<Path, JsonNode> files) {

        String name() {
            return Repo.relative(dir);
        }

        Map<String, Variable> variables() {
            Map<String, Variable> variables = new TreeMap<>();
            blocks("variable").forEach((name, block) -> variables.put(name, new Variable(name, block)));
            return variables;
        }

        Map<String, JsonNode> outputs() {
            return blocks("output");
        }

        Map<String, ModuleCall> moduleCalls() {
            Map<String, ModuleCall> calls = new TreeMap<>();
            files.forEach((file, body) -> body.path("module").properties().forEach(e -> {
                calls.put(
                        e.getKey(),
                        new ModuleCall(e.getKey(), file, e.getValue().get(0)));
            }));
            return calls;
        }

        Map<String, JsonNode> locals() {
            Map<String, JsonNode> locals = new TreeMap<>();
            files.values()
                    .forEach(body -> body.path("locals")
                            .forEach(block -> block.properties().forEach(e -> locals.put(e.getKey(), e.getValue()))));
            return locals;
        }

        /** Blocks of a two-label kind ({@code resource "type" "name"}, {@code data "type" "name"}) of one type. */
        Map<String, JsonNode> blocks(String kind, String type) {
            Map<String, JsonNode> blocks = new TreeMap<>();
            files.values()
                    .forEach(body -> body.path(kind).path(type).properties().forEach(e -> {
                        blocks.put(e.getKey(), e.getValue().get(0));
                    }));
            return blocks;
        }

        /** Every resource and data block, keyed "resource.type.name" / "data.type.name". */
        Map<String, JsonNode> resourcesAndData() {
            Map<String, JsonNode> all = new TreeMap<>();
            for (String kind : List.of("resource", "data")) {
                files.values()
                        .forEach(body -> body.path(kind)
                                .properties()
                                .forEach(type -> type.getValue()
                                        .properties()
                                        .forEach(named -> all.put(
                                                kind + "." + type.getKey() + "." + named.getKey(),
                                                named.getValue().get(0)))));
            }
            return all;
        }

        private Map<String, JsonNode> blocks(String kind) {
            Map<String, JsonNode> blocks = new TreeMap<>();
            files.values()
                    .forEach(body -> body.path(kind).properties().forEach(e -> {
                        blocks.put(e.getKey(), e.getValue().get(0));
                    }));
            return blocks;
        }

        /** All expression and string text of the module except its variable blocks (where a variable names itself). */
        List<String> expressionsOutsideVariables() {
            List<String> texts = new ArrayList<>();
            files.values()
                    .forEach(body -> body.properties().forEach(e -> {
                        if (!e.getKey().equals("variable")) {
                            collectStrings(e.getValue(), texts);
                        }
                    }));
            return texts;
        }

        /** Replaces {@code ${local.x}} by the text of local x, where x is a plain string, until none is left. */
        String resolveLocals(String text) {
            Map<String, JsonNode> locals = locals();
            Pattern ref = Pattern.compile("\\$\\{local\\.([A-Za-z0-9_-]+)}");
            String resolved = text;
            for (int depth = 0; depth < 10; depth++) {
                Matcher m = ref.matcher(resolved);
                StringBuilder out = new StringBuilder();
                boolean changed = false;
                while (m.find()) {
                    JsonNode value = locals.get(m.group(1));
                    String replacement = value != null && value.isString() ? value.asString() : m.group();
                    changed |= !replacement.equals(m.group());
                    m.appendReplacement(out, Matcher.quoteReplacement(replacement));
                }
                m.appendTail(out);
                resolved = out.toString();
                if (!changed) {
                    break;
                }
            }
            return resolved;
        }
    }

    static void collectStrings(JsonNode node, List<String> into) {
        if (node.isString()) {
            into.add(node.asString());
        } else if (node.isContainer()) {
            node.properties().forEach(e -> {
                into.add(e.getKey()); // object keys can be expressions too: "${(local.k)}"
                collectStrings(e.getValue(), into);
            });
            if (node.isArray()) {
                node.forEach(child -> collectStrings(child, into));
            }
        }
    }

    private final Map<Path, JsonNode> parsed = new TreeMap<>();
    private final Map<Path, String> errors = new TreeMap<>();

    private static Terraform instance;

    /** Parses every .tf and .tfvars file once per test JVM. */
    static synchronized Terraform load() {
        if (instance == null) {
            List<Path> files = Repo.files(
                    Repo.TERRAFORM,
                    p -> p.toString().endsWith(".tf") || p.toString().endsWith(".tfvars"));
            JsonNode result = Tools.runNodeTool("hcl2json.cjs", files);
            Terraform terraform = new Terraform();
            for (Path file : files) {
                JsonNode entry = result.path(file.toString());
                if (entry.has("body")) {
                    terraform.parsed.put(file, entry.get("body"));
                } else {
                    terraform.errors.put(file, entry.path("error").asString("no result from the parser"));
                }
            }
            instance = terraform;
        }
        return instance;
    }

    Map<Path, JsonNode> parsed() {
        return parsed;
    }

    Map<Path, String> errors() {
        return errors;
    }

    /** Module directories: every directory holding .tf files, with its parsed .tf files. */
    Map<Path, Module> modules() {
        Map<Path, Map<Path, JsonNode>> byDir = new TreeMap<>();
        parsed.forEach((file, body) -> {
            if (file.toString().endsWith(".tf")) {
                byDir.computeIfAbsent(file.getParent(), d -> new LinkedHashMap<>())
                        .put(file, body);
            }
        });
        Map<Path, Module> modules = new TreeMap<>();
        byDir.forEach((dir, files) -> modules.put(dir, new Module(dir, files)));
        return modules;
    }

    Module module(String relativeToTerraform) {
        Path dir = Repo.TERRAFORM.resolve(relativeToTerraform).normalize();
        Module module = modules().get(dir);
        if (module == null) {
            throw new AssertionError("no Terraform module at " + Repo.relative(dir));
        }
        return module;
    }

    JsonNode tfvars(String relativeToTerraform) {
        Path file = Repo.TERRAFORM.resolve(relativeToTerraform).normalize();
        JsonNode body = parsed.get(file);
        if (body == null) {
            throw new AssertionError(
                    "no parsed tfvars at " + Repo.relative(file) + " " + errors.getOrDefault(file, ""));
        }
        return body;
    }
}
