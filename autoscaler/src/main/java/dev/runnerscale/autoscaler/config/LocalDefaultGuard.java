package dev.runnerscale.autoscaler.config;

import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginTrackedResource;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.stereotype.Component;

/**
 * Keeps the local default from becoming a production footgun. Its {@code application-local.yml} ships the public
 * development webhook secret {@code dev-secret} and allows public repositories, so that the shared examples go
 * through on a laptop. Together with real GitHub credentials or a real cluster, anyone who knows that secret could
 * start jobs, also from public forks, on real runners. So when either is configured, the {@code local} profile
 * refuses to start while those two values still come from {@code application-local.yml}; a value the user set
 * (environment, system property, command line, a file of their own) is theirs to choose, {@code dev-secret}
 * included.
 *
 * <p>"A real cluster" is any but the in-process API server the local launcher starts, which it marks with
 * {@code runnerscale.local.in-process-kubernetes=true}.
 */
@Component
@Profile("local")
class LocalDefaultGuard implements BeanFactoryPostProcessor, EnvironmentAware {

    static final String DEVELOPMENT_SECRET = "dev-secret";
    static final String LOCAL_DEFAULTS = "application-local.yml";

    private ConfigurableEnvironment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = (ConfigurableEnvironment) environment;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        List<String> real = new ArrayList<>();
        if (hasText("runnerscale.github.app-id") || hasText("runnerscale.github.token")) {
            real.add("GitHub credentials (runnerscale.github.app-id or runnerscale.github.token)");
        }
        if (!environment.getProperty("runnerscale.local.in-process-kubernetes", Boolean.class, false)) {
            real.add("a Kubernetes cluster (kubeconfig, in-cluster account or runnerscale.kubernetes.master-url)");
        }
        if (real.isEmpty()) {
            return;
        }
        List<String> fixes = new ArrayList<>();
        String[] secrets = environment.getProperty("runnerscale.webhook.secrets", String[].class, new String[0]);
        if (List.of(secrets).stream().map(String::trim).anyMatch(DEVELOPMENT_SECRET::equals)
                && fromLocalDefaults("runnerscale.webhook.secrets")) {
            fixes.add("runnerscale.webhook.secrets is the public development secret '" + DEVELOPMENT_SECRET
                    + "': set RUNNERSCALE_WEBHOOK_SECRETS to a secret of your own (the one configured on the GitHub"
                    + " webhook)");
        }
        if (environment.getProperty("runnerscale.webhook.allow-public-repositories", Boolean.class, false)
                && fromLocalDefaults("runnerscale.webhook.allow-public-repositories")) {
            fixes.add("runnerscale.webhook.allow-public-repositories is true, so jobs of public repositories (and"
                    + " their forks) would run on your runners: set RUNNERSCALE_WEBHOOK_ALLOW_PUBLIC_REPOSITORIES=false"
                    + " (or true, if you mean it)");
        }
        if (!fixes.isEmpty()) {
            throw new IllegalStateException("The local profile refuses to start with its development defaults"
                    + " while " + String.join(" and ", real) + " are configured: " + String.join("; ", fixes)
                    + ".");
        }
    }

    private boolean hasText(String key) {
        String value = environment.getProperty(key);
        return value != null && !value.isBlank();
    }

    /**
     * Whether the value in effect for {@code key} comes from the local default's own {@code application-local.yml}
     * (on the classpath) rather than from the user. The first source that holds the key, or elements of it, wins, as
     * when binding.
     */
    private boolean fromLocalDefaults(String key) {
        ConfigurationPropertyName name = ConfigurationPropertyName.of(key);
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            ConfigurationProperty property = source.getConfigurationProperty(name);
            if (property == null && source.containsDescendantOf(name) == ConfigurationPropertyState.PRESENT) {
                property = source.getConfigurationProperty(name.append("[0]"));
                if (property == null) {
                    return false;
                }
            }
            if (property != null) {
                return isLocalDefaults(property.getOrigin());
            }
        }
        return false;
    }

    private static boolean isLocalDefaults(Origin origin) {
        // A property read through the environment carries its file's origin inside a PropertySourceOrigin.
        for (Origin o = origin;
                o != null;
                o = o instanceof PropertySourceOrigin source && source.getOrigin() != null
                        ? source.getOrigin()
                        : o.getParent()) {
            if (o instanceof TextResourceOrigin text) {
                Resource resource = text.getResource();
                if (resource instanceof OriginTrackedResource tracked) {
                    resource = tracked.getResource();
                }
                return resource instanceof ClassPathResource file
                        && file.getPath().equals(LOCAL_DEFAULTS);
            }
        }
        return false;
    }
}
