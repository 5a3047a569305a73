package dev.runnerscale.infrachecks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.infrachecks.Terraform.Module;
import dev.runnerscale.infrachecks.Terraform.ModuleCall;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What {@code terraform validate} would say about our own modules, without providers or a network: every file
 * parses, module calls and their modules agree, references resolve, and registry modules are pinned.
 */
class TerraformModulesTest {

    private static final Pattern MODULE_OUTPUT_REF =
            Pattern.compile("\\bmodule\\.([A-Za-z0-9_-]+)(?:\\[[^\\]]*])?\\.([A-Za-z0-9_-]+)");
    private static final Pattern VAR_REF = Pattern.compile("\\bvar\\.([A-Za-z0-9_-]+)");
    private static final Pattern LOCAL_REF = Pattern.compile("\\blocal\\.([A-Za-z0-9_-]+)");

    private static Terraform terraform;

    @BeforeAll
    static void parse() {
        terraform = Terraform.load();
    }

    @Test
    void everyTerraformFileParses() {
        assertThat(terraform.parsed()).as("parsed Terraform files").isNotEmpty();
        assertThat(terraform.errors())
                .as("files HashiCorp's HCL parser rejects")
                .isEmpty();
    }

    @Test
    void ourModulesAndEnvironmentsAreAllThere() {
        assertThat(terraform.modules().keySet())
                .extracting(Repo::relative)
                .contains(
                        "terraform/environments/dev",
                        "terraform/environments/prod",
                        "terraform/modules/platform",
                        "terraform/modules/runner-capacity",
                        "terraform/modules/iam",
                        "terraform/modules/database",
                        "terraform/modules/ecr");
    }

    @Test
    void everyArgumentPassedToOneOfOurModulesIsDeclaredThere() {
        List<String> problems = new ArrayList<>();
        forEachLocalCall((caller, call, target) -> {
            Set<String> declared = target.variables().keySet();
            for (String argument : call.arguments().keySet()) {
                if (!declared.contains(argument)) {
                    problems.add(where(caller, call) + " passes " + argument + ", which " + target.name()
                            + " does not declare");
                }
            }
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void everyVariableWithoutDefaultIsPassed() {
        List<String> problems = new ArrayList<>();
        forEachLocalCall((caller, call, target) -> target.variables().values().stream()
                .filter(v -> !v.hasDefault())
                .filter(v -> !call.arguments().containsKey(v.name()))
                .forEach(v -> problems.add(where(caller, call) + " does not pass the required variable " + v.name()
                        + " of " + target.name())));
        assertThat(problems).isEmpty();
    }

    @Test
    void everyOutputReferencedOfOurModulesExists() {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Module caller : terraform.modules().values()) {
            Map<String, ModuleCall> calls = caller.moduleCalls();
            for (String text : caller.expressionsOutsideVariables()) {
                Matcher m = MODULE_OUTPUT_REF.matcher(text);
                while (m.find()) {
                    ModuleCall call = calls.get(m.group(1));
                    if (call == null) {
                        problems.add(caller.name() + " refers to module." + m.group(1) + ", which it does not call");
                    } else if (call.isLocal()) {
                        checked++;
                        Module target = target(caller, call);
                        if (!target.outputs().containsKey(m.group(2))) {
                            problems.add(caller.name() + " reads module." + m.group(1) + "." + m.group(2) + ", but "
                                    + target.name() + " has no output " + m.group(2));
                        }
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(checked).as("module output references checked").isPositive();
    }

    @Test
    void everyVariableAndLocalReferencedIsDeclared() {
        List<String> problems = new ArrayList<>();
        for (Module module : terraform.modules().values()) {
            Set<String> variables = module.variables().keySet();
            Set<String> locals = module.locals().keySet();
            List<String> texts = new ArrayList<>(module.expressionsOutsideVariables());
            // validation blocks refer to their own variable: that is allowed, and must resolve too
            module.variables().values().forEach(v -> Terraform.collectStrings(v.block(), texts));
            for (String text : texts) {
                refs(VAR_REF, text).stream()
                        .filter(name -> !variables.contains(name))
                        .forEach(name -> problems.add(module.name() + " refers to undeclared var." + name));
                refs(LOCAL_REF, text).stream()
                        .filter(name -> !locals.contains(name))
                        .forEach(name -> problems.add(module.name() + " refers to undefined local." + name));
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyDeclaredVariableIsUsed() {
        List<String> problems = new ArrayList<>();
        for (Module module : terraform.modules().values()) {
            Set<String> used = new TreeSet<>();
            module.expressionsOutsideVariables().forEach(text -> used.addAll(refs(VAR_REF, text)));
            module.variables().keySet().stream()
                    .filter(name -> !used.contains(name))
                    .forEach(name -> problems.add(module.name() + " declares var." + name + " but never uses it"));
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyVariableHasATypeAndADescription() {
        List<String> problems = new ArrayList<>();
        for (Module module : terraform.modules().values()) {
            module.variables().values().forEach(v -> {
                if (v.type().filter(t -> !t.isBlank()).isEmpty()) {
                    problems.add(module.name() + ": variable " + v.name() + " has no type");
                }
                if (v.description().filter(d -> !d.isBlank()).isEmpty()) {
                    problems.add(module.name() + ": variable " + v.name() + " has no description");
                }
            });
            module.outputs().forEach((name, block) -> {
                if (block.path("description").asString("").isBlank()) {
                    problems.add(module.name() + ": output " + name + " has no description");
                }
            });
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void registryModulesArePinnedToAnExactVersion() {
        List<String> problems = new ArrayList<>();
        int registryCalls = 0;
        for (Module module : terraform.modules().values()) {
            for (ModuleCall call : module.moduleCalls().values()) {
                if (call.isLocal()) {
                    continue;
                }
                registryCalls++;
                if (!call.isVersionPinnedExactly()) {
                    problems.add(where(module, call) + " uses " + call.source() + " with version "
                            + call.version().orElse("(none)") + ", not an exact x.y.z");
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(registryCalls).as("registry module calls").isPositive();
    }

    @Test
    void everyModuleRequiresTerraformAndPinsTheAwsProviderMajor() {
        List<String> problems = new ArrayList<>();
        for (Module module : terraform.modules().values()) {
            var settings = module.files().values().stream()
                    .map(body -> body.path("terraform"))
                    .filter(t -> !t.isMissingNode())
                    .findFirst();
            if (settings.isEmpty()) {
                problems.add(module.name() + " has no terraform block");
                continue;
            }
            var block = settings.get().get(0);
            if (block.path("required_version").asString("").isBlank()) {
                problems.add(module.name() + " does not say which Terraform it needs");
            }
            String aws = block.path("required_providers")
                    .get(0)
                    .path("aws")
                    .path("version")
                    .asString("");
            if (!aws.contains("< 7.0")) {
                problems.add(module.name() + " does not bound the AWS provider below its next major: '" + aws + "'");
            }
        }
        assertThat(problems).isEmpty();
    }

    interface CallCheck {
        void check(Module caller, ModuleCall call, Module target);
    }

    private static void forEachLocalCall(CallCheck check) {
        int calls = 0;
        for (Module caller : terraform.modules().values()) {
            for (ModuleCall call : caller.moduleCalls().values()) {
                if (call.isLocal()) {
                    calls++;
                    check.check(caller, call, target(caller, call));
                }
            }
        }
        assertThat(calls).as("calls of our own modules").isPositive();
    }

    private static Module target(Module caller, ModuleCall call) {
        Path dir = caller.dir().resolve(call.source()).normalize();
        Module target = terraform.modules().get(dir);
        if (target == null) {
            throw new AssertionError(where(caller, call) + " calls " + call.source() + ", where there is no module");
        }
        return target;
    }

    private static String where(Module caller, ModuleCall call) {
        return caller.name() + " module \"" + call.name() + "\"";
    }

    private static Set<String> refs(Pattern pattern, String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
