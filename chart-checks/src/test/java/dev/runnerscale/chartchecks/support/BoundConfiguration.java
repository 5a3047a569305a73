package dev.runnerscale.chartchecks.support;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ByteArrayResource;

/**
 * A rendered {@code application.yaml} (plus environment variables) bound by Spring Boot's own {@link Binder} into the
 * applications' real {@code @ConfigurationProperties} records, validated by the jakarta validator as at start-up, and
 * with a record of which property names any record read.
 */
public final class BoundConfiguration {

    private static final Validator VALIDATOR =
            Validation.buildDefaultValidatorFactory().getValidator();

    private final List<PropertySource<?>> sources = new ArrayList<>();
    private final Map<ConfigurationPropertyName, Boolean> bound = new LinkedHashMap<>();
    private final Binder binder;

    public BoundConfiguration(String applicationYaml, Map<String, Object> environment) {
        try {
            if (!environment.isEmpty()) {
                sources.add(new SystemEnvironmentPropertySource("env", environment));
            }
            sources.addAll(new YamlPropertySourceLoader()
                    .load(
                            "chart application.yaml",
                            new ByteArrayResource(applicationYaml.getBytes(StandardCharsets.UTF_8))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        binder = new Binder(ConfigurationPropertySources.from(sources));
    }

    /** Binds {@code type} at {@code prefix} as Spring Boot does at start-up; fails with every constraint violation. */
    public <T> T bind(String prefix, Class<T> type) {
        T value = binder.bindOrCreate(prefix, Bindable.of(type), new AbstractBindHandler() {
            @Override
            public Object onSuccess(
                    ConfigurationPropertyName name, Bindable<?> target, BindContext context, Object result) {
                bound.merge(name, holdsScalars(result), Boolean::logicalOr);
                return result;
            }
        });
        Set<ConstraintViolation<T>> violations = VALIDATOR.validate(value);
        if (!violations.isEmpty()) {
            List<String> messages = violations.stream()
                    .map(v -> prefix + "." + v.getPropertyPath() + ": " + v.getMessage())
                    .sorted()
                    .toList();
            throw new AssertionError(type.getSimpleName() + " does not validate: " + messages);
        }
        return value;
    }

    /**
     * A map or list of plain values (labels, a node selector) is read as a whole; a list of records (pools) is not:
     * each of its records' settings must be read on its own.
     */
    private static boolean holdsScalars(Object result) {
        Collection<?> elements = result instanceof Map<?, ?> map
                ? map.values()
                : result instanceof Collection<?> collection ? collection : null;
        return elements != null
                && elements.stream()
                        .allMatch(e -> e instanceof CharSequence
                                || e instanceof Number
                                || e instanceof Boolean
                                || e instanceof Enum<?>);
    }

    /** Every property name the sources hold under {@code prefix}. */
    public Set<String> names(String prefix) {
        ConfigurationPropertyName root = ConfigurationPropertyName.of(prefix);
        Set<String> names = new TreeSet<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.from(sources)) {
            if (source instanceof IterableConfigurationPropertySource iterable) {
                iterable.stream().filter(root::isAncestorOf).forEach(n -> names.add(n.toString()));
            }
        }
        return names;
    }

    /** Whether a record read this property (itself, or as an element of a bound map or list). */
    public boolean read(String name) {
        ConfigurationPropertyName property = ConfigurationPropertyName.of(name);
        if (bound.containsKey(property)) {
            return true;
        }
        return bound.entrySet().stream()
                .anyMatch(e -> e.getValue() && e.getKey().isAncestorOf(property));
    }
}
