package dev.runnerscale.chartchecks.support;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;

/**
 * The project's Helm charts, rendered by real Helm (helm-java bundles it) into fabric8 model objects.
 *
 * <p>helm-java's {@code template} leaves hooks out of its output (it returns the release manifest only), so charts are
 * rendered from a copy whose {@code helm.sh/hook*} annotations are renamed to {@value #HOOK_ANNOTATION}{@code *}:
 * the hook objects then render like any other, and tests still see which hook phases they carry.
 */
public final class Charts {

    public static final String RELEASE = "runnerscale";
    public static final String NAMESPACE = "runnerscale";
    public static final String HOOK_ANNOTATION = "chart-checks.runnerscale.dev/hook";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final Map<String, Path> HOOKS_VISIBLE = new ConcurrentHashMap<>();
    private static final Map<String, Rendered> RENDERED = new ConcurrentHashMap<>();

    /** The values a chart is checked with: its defaults, and the development and production files beside them. */
    public enum Values {
        DEFAULT(null),
        DEV("values-dev.yaml"),
        PROD("values-prod.yaml");

        private final String file;

        Values(String file) {
            this.file = file;
        }

        public Optional<String> file() {
            return Optional.ofNullable(file);
        }
    }

    private Charts() {}

    public static Path projectDir() {
        return Path.of(System.getProperty("runnerscale.project-dir", ".."))
                .toAbsolutePath()
                .normalize();
    }

    public static Path chart(String name) {
        return projectDir().resolve("helm").resolve(name);
    }

    public static Rendered render(String chart, Values values) {
        return render(chart, values, Map.of());
    }

    /** {@code helm template} with the values file and {@code --set} pairs; Helm validates values.schema.json. */
    public static Rendered render(String chart, Values values, Map<String, Object> sets) {
        // rendering is pure and each run costs a Helm invocation: many tests look at the same rendering
        return RENDERED.computeIfAbsent(
                chart + "|" + values + "|" + new java.util.TreeMap<>(sets),
                key -> Rendered.parse(template(chart, values, sets)));
    }

    public static String template(String chart, Values values, Map<String, Object> sets) {
        TemplateCommand template =
                new Helm(hooksVisible(chart)).template().withName(RELEASE).withNamespace(NAMESPACE);
        if (values.file().isPresent()) {
            template =
                    template.withValuesFile(chart(chart).resolve(values.file().get()));
        }
        for (Map.Entry<String, Object> set : sets.entrySet()) {
            template = template.set(set.getKey(), set.getValue());
        }
        return template.call();
    }

    /** {@code helm template} with the environment's values file and then {@code over} on top, as an install gets them. */
    public static Rendered render(String chart, Values values, Path over) {
        TemplateCommand template =
                new Helm(hooksVisible(chart)).template().withName(RELEASE).withNamespace(NAMESPACE);
        if (values.file().isPresent()) {
            template =
                    template.withValuesFile(chart(chart).resolve(values.file().get()));
        }
        return Rendered.parse(template.withValuesFile(over).call());
    }

    /** {@code helm template} with a values file written from {@code values} (for values {@code --set} cannot say). */
    public static Rendered render(String chart, Map<String, Object> values) {
        return Rendered.parse(template(chart, values));
    }

    public static String template(String chart, Map<String, Object> values) {
        Path file = temp("values", ".yaml");
        write(file, new Yaml().dump(values));
        return new Helm(hooksVisible(chart))
                .template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withValuesFile(file)
                .call();
    }

    /**
     * {@code helm lint --strict}. helm-java's lint takes no values file, so a non-default set is linted on a copy of
     * the chart whose values.yaml is the defaults with that file merged over them, as Helm merges them.
     */
    public static LintResult lint(String chart, Values values) {
        if (values.file().isEmpty()) {
            return new Helm(chart(chart)).lint().strict().call();
        }
        Path copy = copy(chart(chart));
        Map<String, Object> merged = merge(
                readYaml(chart(chart).resolve("values.yaml")),
                readYaml(chart(chart).resolve(values.file().get())));
        write(copy.resolve("values.yaml"), new Yaml().dump(merged));
        return new Helm(copy).lint().strict().call();
    }

    public static Map<String, Object> readYaml(Path file) {
        try {
            Map<String, Object> map = new Yaml().load(Files.readString(file));
            return map == null ? new LinkedHashMap<>() : map;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Helm's coalescing of values: maps merge key by key, anything else (lists included) is replaced. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> over) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        over.forEach((key, value) -> {
            Object old = out.get(key);
            if (old instanceof Map<?, ?> oldMap && value instanceof Map<?, ?> newMap) {
                out.put(key, merge((Map<String, Object>) oldMap, (Map<String, Object>) newMap));
            } else {
                out.put(key, value);
            }
        });
        return out;
    }

    /** Parses one rendered document into its fabric8 model type (GenericKubernetesResource for unknown kinds). */
    static HasMetadata parse(String document) {
        return SERIALIZATION.unmarshal(document);
    }

    private static Path hooksVisible(String chart) {
        return HOOKS_VISIBLE.computeIfAbsent(chart, name -> {
            Path copy = copy(chart(name));
            try (Stream<Path> files = Files.walk(copy.resolve("templates"))) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String text = Files.readString(file);
                    write(file, text.replace("helm.sh/hook", HOOK_ANNOTATION));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return copy;
        });
    }

    private static Path copy(Path chart) {
        Path target = temp("chart", "").resolve(chart.getFileName());
        try (Stream<Path> files = Files.walk(chart)) {
            List<Path> all = new ArrayList<>(files.toList());
            for (Path source : all) {
                Path to = target.resolve(chart.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(source, to);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    private static Path temp(String prefix, String suffix) {
        try {
            Path dir = Files.createTempDirectory("chart-checks-");
            dir.toFile().deleteOnExit();
            return suffix.isEmpty() ? dir : Files.createTempFile(dir, prefix, suffix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
