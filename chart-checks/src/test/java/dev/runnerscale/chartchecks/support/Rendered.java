package dev.runnerscale.chartchecks.support;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The objects of one {@code helm template} run, as fabric8 model objects. */
public record Rendered(List<HasMetadata> objects) {

    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

    static Rendered parse(String manifest) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : DOCUMENT_SEPARATOR.split(manifest)) {
            boolean empty =
                    document.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("#"));
            if (!empty) {
                objects.add(Charts.parse(document));
            }
        }
        return new Rendered(List.copyOf(objects));
    }

    public <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    public List<HasMetadata> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.getKind())).toList();
    }

    public <T extends HasMetadata> T one(Class<T> type) {
        List<T> found = all(type);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type.getSimpleName() + ", rendered " + found.size());
        }
        return found.get(0);
    }

    public <T extends HasMetadata> T named(Class<T> type, String nameSuffix) {
        return all(type).stream()
                .filter(o -> o.getMetadata().getName().endsWith(nameSuffix))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " named *" + nameSuffix));
    }

    /** Every pod template rendered (Deployments and Jobs), by the name of the object that holds it. */
    public Map<String, PodSpec> podSpecs() {
        Map<String, PodSpec> specs = new LinkedHashMap<>();
        all(Deployment.class)
                .forEach(d -> specs.put(
                        "Deployment/" + d.getMetadata().getName(),
                        d.getSpec().getTemplate().getSpec()));
        all(Job.class)
                .forEach(j -> specs.put(
                        "Job/" + j.getMetadata().getName(),
                        j.getSpec().getTemplate().getSpec()));
        return specs;
    }

    public static List<Container> containers(PodSpec spec) {
        return Stream.concat(
                        spec.getInitContainers() == null ? Stream.empty() : spec.getInitContainers().stream(),
                        spec.getContainers().stream())
                .toList();
    }

    /** The {@code application.yaml} the chart renders for Spring Boot (the ConfigMap without a dashboard). */
    public String applicationYaml() {
        return all(ConfigMap.class).stream()
                .filter(c -> c.getData() != null && c.getData().containsKey("application.yaml"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no ConfigMap with an application.yaml"))
                .getData()
                .get("application.yaml");
    }
}
