package dev.runnerscale.chartchecks.support;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** What the rendered Roles, ClusterRoles and their bindings grant one ServiceAccount, as RBAC's authorizer decides. */
public final class Rbac {

    /** One verb on one resource; {@code namespace} null: cluster-wide; empty {@code resourceNames}: every object. */
    public record Grant(String group, String resource, String namespace, String verb, Set<String> resourceNames) {

        boolean allows(ApiRequest request) {
            return (group.equals("*") || group.equals(request.group()))
                    && (resource.equals("*") || resource.equals(request.resource()))
                    && (verb.equals("*") || verb.equals(request.verb()))
                    && (namespace == null || namespace.equals(request.namespace()))
                    && (resourceNames.isEmpty() || (request.name() != null && resourceNames.contains(request.name())));
        }

        @Override
        public String toString() {
            return verb + " " + (group.isEmpty() ? "" : group + "/") + resource
                    + (namespace == null ? " (cluster-wide)" : " in " + namespace)
                    + (resourceNames.isEmpty() ? "" : " " + resourceNames);
        }
    }

    private final List<Grant> grants;

    private Rbac(List<Grant> grants) {
        this.grants = List.copyOf(grants);
    }

    public static Rbac of(Rendered rendered, String serviceAccount, String namespace) {
        List<Grant> grants = new ArrayList<>();
        for (RoleBinding binding : rendered.all(RoleBinding.class)) {
            if (binds(binding.getSubjects(), serviceAccount, namespace)) {
                String ns = binding.getMetadata().getNamespace();
                List<PolicyRule> rules = binding.getRoleRef().getKind().equals("Role")
                        ? rendered.all(Role.class).stream()
                                .filter(r -> r.getMetadata()
                                                .getName()
                                                .equals(binding.getRoleRef().getName())
                                        && r.getMetadata().getNamespace().equals(ns))
                                .flatMap(r -> r.getRules().stream())
                                .toList()
                        : clusterRules(rendered, binding.getRoleRef().getName());
                rules.forEach(rule -> expand(rule, ns, grants));
            }
        }
        for (ClusterRoleBinding binding : rendered.all(ClusterRoleBinding.class)) {
            if (binds(binding.getSubjects(), serviceAccount, namespace)) {
                clusterRules(rendered, binding.getRoleRef().getName()).forEach(rule -> expand(rule, null, grants));
            }
        }
        return new Rbac(grants);
    }

    public List<Grant> grants() {
        return grants;
    }

    public boolean allows(ApiRequest request) {
        return grants.stream().anyMatch(g -> g.allows(request));
    }

    private static List<PolicyRule> clusterRules(Rendered rendered, String name) {
        return rendered.all(ClusterRole.class).stream()
                .filter(r -> r.getMetadata().getName().equals(name))
                .flatMap(r -> r.getRules().stream())
                .toList();
    }

    private static boolean binds(List<Subject> subjects, String serviceAccount, String namespace) {
        return subjects != null
                && subjects.stream()
                        .anyMatch(s -> s.getKind().equals("ServiceAccount")
                                && s.getName().equals(serviceAccount)
                                && namespace.equals(s.getNamespace()));
    }

    private static void expand(PolicyRule rule, String namespace, List<Grant> into) {
        Set<String> names = rule.getResourceNames() == null ? Set.of() : Set.copyOf(rule.getResourceNames());
        for (String group : rule.getApiGroups()) {
            for (String resource : rule.getResources()) {
                for (String verb : rule.getVerbs()) {
                    into.add(new Grant(group, resource, namespace, verb, names));
                }
            }
        }
    }
}
