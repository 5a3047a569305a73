package dev.runnerscale.autoscaler.pools;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.stereotype.Component;

/**
 * Refuses to start when a pool's node selector names a label key with a {@code /} outside brackets.
 *
 * <p>Spring's binder keeps only letters, digits, {@code -} and {@code .} of a map key written plainly, so
 * {@code node-selector: {karpenter.sh/capacity-type: spot}} binds as {@code karpenter.shcapacity-type}: a selector no
 * node has, and pods that stay Pending forever without a word. Almost every Kubernetes label a runner is placed by has
 * a {@code /} ({@code karpenter.sh/…}, {@code node.kubernetes.io/…}, {@code eks.amazonaws.com/…}), so the mistake
 * would be the common case. The binder keeps a key whole in brackets ({@code "[karpenter.sh/capacity-type]"}); the
 * Helm chart writes them so, and this guard tells anyone writing the configuration by hand. It reads the raw property
 * names, which still hold the key as written, because the bound record no longer can.
 */
@Component
class NodeSelectorKeys implements InitializingBean {

    private static final Pattern PLAIN_KEY_WITH_SLASH =
            Pattern.compile("^runnerscale\\.pools\\[(\\d+)]\\.pod\\.node-selector\\.([^\\[].*/.*)$");

    private final ConfigurableEnvironment environment;

    NodeSelectorKeys(ConfigurableEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public void afterPropertiesSet() {
        List<String> problems = unbracketed(environment);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("runnerscale.pools[*].pod.node-selector: " + String.join("; ", problems)
                    + ". Spring drops the '/' of a map key written plainly; write such keys in brackets, quoted in"
                    + " YAML, e.g. \"[karpenter.sh/capacity-type]\": spot (the Helm chart does this for you)");
        }
    }

    static List<String> unbracketed(ConfigurableEnvironment environment) {
        List<String> problems = new ArrayList<>();
        for (PropertySource<?> source : environment.getPropertySources()) {
            if (source instanceof EnumerablePropertySource<?> enumerable) {
                for (String name : enumerable.getPropertyNames()) {
                    Matcher m = PLAIN_KEY_WITH_SLASH.matcher(name);
                    if (m.matches()) {
                        problems.add("pool " + m.group(1) + " key '" + m.group(2) + "' (in " + source.getName()
                                + ") would bind as '" + m.group(2).replace("/", "") + "'");
                    }
                }
            }
        }
        return problems;
    }
}
