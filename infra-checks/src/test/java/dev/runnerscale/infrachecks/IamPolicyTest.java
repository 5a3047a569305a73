package dev.runnerscale.infrachecks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.infrachecks.Terraform.Module;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The IAM we write grants nothing wholesale, and the autoscaler's role is exactly what contracts.md allows. */
class IamPolicyTest {

    private static final Set<String> POLICY_RESOURCES =
            Set.of("aws_iam_role_policy", "aws_iam_policy", "aws_iam_user_policy");
    private static final Set<String> FORBIDDEN_MANAGED_POLICIES =
            Set.of("AdministratorAccess", "PowerUserAccess", "IAMFullAccess");

    private static Terraform terraform;

    @BeforeAll
    static void parse() {
        terraform = Terraform.load();
    }

    @Test
    void noStatementAllowsEveryActionOnEveryResource() {
        List<String> problems = new ArrayList<>();
        int statements = forEachStatement((where, statement) -> {
            Set<String> actions = strings(statement.path("actions"));
            Set<String> resources = strings(statement.path("resources"));
            boolean allActions = actions.contains("*") || actions.contains("*:*");
            if (allActions && resources.contains("*")) {
                problems.add(where + " allows * on *");
            }
            if (allActions) {
                problems.add(where + " allows every action (name the actions)");
            }
            if (statement.has("not_actions") || statement.has("not_resources")) {
                problems.add(where + " uses not_actions / not_resources, which grant everything not listed");
            }
            if (!statement.path("effect").asString("Allow").equals("Allow")
                    && !statement.path("effect").asString().equals("Deny")) {
                problems.add(where + " has an unknown effect " + statement.path("effect"));
            }
        });
        assertThat(problems).isEmpty();
        assertThat(statements).as("policy statements checked").isGreaterThan(5);
    }

    @Test
    void everyInlinePolicyIsAPolicyDocumentThatTheChecksCanRead() {
        List<String> problems = new ArrayList<>();
        for (Module module : terraform.modules().values()) {
            module.resourcesAndData().forEach((key, block) -> {
                String type = key.split("\\.")[1];
                if (key.startsWith("resource.") && POLICY_RESOURCES.contains(type)) {
                    String policy = block.path("policy").asString("");
                    if (!policy.matches("\\$\\{data\\.aws_iam_policy_document\\.[A-Za-z0-9_-]+\\.json}")) {
                        problems.add(module.name() + " " + key
                                + " has a policy that is not an aws_iam_policy_document: " + policy);
                    }
                }
                if (key.startsWith("resource.aws_iam_role_policy_attachment.")) {
                    String arn = block.path("policy_arn").asString("");
                    FORBIDDEN_MANAGED_POLICIES.stream()
                            .filter(p -> arn.endsWith("policy/" + p))
                            .forEach(p -> problems.add(module.name() + " " + key + " attaches " + p));
                }
                if (key.startsWith("resource.aws_iam_access_key.") || key.startsWith("resource.aws_iam_user.")) {
                    problems.add(module.name() + " " + key + ": no IAM users or long-lived keys; use OIDC roles");
                }
            });
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theAutoscalerReadsCapacityAndChangesOnlyGroupsTaggedAsOurs() {
        Map<String, JsonNode> documents = terraform.module("modules/iam").blocks("data", "aws_iam_policy_document");
        JsonNode autoscaler = documents.get("autoscaler");
        assertThat(autoscaler)
                .as("data.aws_iam_policy_document.autoscaler in modules/iam")
                .isNotNull();

        List<JsonNode> statements = new ArrayList<>();
        autoscaler.path("statement").forEach(statements::add);

        JsonNode read = statementWith(statements, "ec2:DescribeSpotPriceHistory");
        assertThat(strings(read.path("actions")))
                .containsExactlyInAnyOrder(
                        "ec2:DescribeSpotPriceHistory", "ec2:DescribeInstances", "autoscaling:Describe*");
        assertThat(read.has("condition")).isFalse();

        JsonNode mutate = statementWith(statements, "autoscaling:SetDesiredCapacity");
        assertThat(strings(mutate.path("actions")))
                .containsExactlyInAnyOrder(
                        "autoscaling:SetDesiredCapacity",
                        "autoscaling:TerminateInstanceInAutoScalingGroup",
                        "autoscaling:SetInstanceProtection");
        assertThat(mutate.path("condition")).hasSize(1);
        JsonNode condition = mutate.path("condition").get(0);
        assertThat(condition.path("test").asString()).isEqualTo("StringEquals");
        assertThat(condition.path("variable").asString()).isEqualTo("aws:ResourceTag/runnerscale.dev/managed");
        assertThat(strings(condition.path("values"))).containsExactly("true");

        // nothing else in the autoscaler's policy mutates EC2 or Auto Scaling
        statements.stream()
                .filter(s -> s != mutate)
                .flatMap(s -> strings(s.path("actions")).stream())
                .filter(a -> a.startsWith("autoscaling:") || a.startsWith("ec2:"))
                .forEach(a -> assertThat(a).matches("(ec2|autoscaling):Describe.*"));
    }

    @Test
    void githubRolesTrustOnlyThisRepositorysDeploymentsAndPullRequests() {
        Module iam = terraform.module("modules/iam");
        Map<String, JsonNode> documents = iam.blocks("data", "aws_iam_policy_document");
        for (String trust : List.of("deploy_assume", "plan_assume")) {
            JsonNode statement = documents.get(trust).path("statement").get(0);
            Set<String> conditions = new TreeSet<>();
            statement
                    .path("condition")
                    .forEach(c -> conditions.add(c.path("variable").asString()));
            assertThat(conditions)
                    .as(trust + " must pin both audience and subject")
                    .contains("${local.github_oidc_url}:aud", "${local.github_oidc_url}:sub");
            statement.path("condition").forEach(c -> {
                if (c.path("variable").asString().endsWith(":sub")) {
                    String values = c.path("values").toString();
                    var local = java.util.regex.Pattern.compile("\"\\$\\{local\\.([a-z_]+)}\"")
                            .matcher(values);
                    if (local.matches()) {
                        values = iam.locals().get(local.group(1)).toString();
                    }
                    assertThat(values).as(trust + " subjects").contains("${var.github_repository}");
                    assertThat(values)
                            .as(trust + " subjects")
                            .doesNotContain("repo:*")
                            .doesNotContain(":*\"");
                }
            });
        }
    }

    private static JsonNode statementWith(List<JsonNode> statements, String action) {
        return statements.stream()
                .filter(s -> strings(s.path("actions")).contains(action))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no statement grants " + action));
    }

    private static int forEachStatement(BiConsumer<String, JsonNode> check) {
        int count = 0;
        for (Module module : terraform.modules().values()) {
            for (var doc : module.blocks("data", "aws_iam_policy_document").entrySet()) {
                int i = 0;
                for (JsonNode statement : doc.getValue().path("statement")) {
                    check.accept(
                            module.name() + " aws_iam_policy_document." + doc.getKey() + " statement " + i++,
                            statement);
                    count++;
                }
            }
        }
        return count;
    }

    private static Set<String> strings(JsonNode node) {
        Set<String> values = new TreeSet<>();
        if (node.isArray()) {
            node.forEach(v -> values.add(v.asString()));
        } else if (node.isString()) {
            values.add(node.asString());
        }
        return values;
    }
}
