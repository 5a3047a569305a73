package dev.runnerscale.autoscaler.github;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Whether GitHub credentials are configured. Only their presence decides here; their completeness is validated
 * by {@link GitHubProperties}, which fails start-up naming the missing key.
 */
public final class GitHubCredentialsCondition {

    private GitHubCredentialsCondition() {}

    static boolean app(Environment env) {
        return hasText(env.getProperty("runnerscale.github.app-id"));
    }

    static boolean any(Environment env) {
        return app(env) || hasText(env.getProperty("runnerscale.github.token"));
    }

    private static boolean hasText(String s) {
        return s != null && !s.isBlank();
    }

    /** App id or token configured. */
    public static final class Present extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return any(context.getEnvironment())
                    ? ConditionOutcome.match("GitHub credentials configured")
                    : ConditionOutcome.noMatch("no GitHub credentials");
        }
    }

    /** Neither App id nor token configured: dry run. */
    public static final class Absent extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return any(context.getEnvironment())
                    ? ConditionOutcome.noMatch("GitHub credentials configured")
                    : ConditionOutcome.match("no GitHub credentials: dry run");
        }
    }
}
