package dev.runnerscale.autoscaler.pools;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The runner pools this autoscaler serves ({@code runnerscale.pools[*]}). Configuration order matters: it breaks
 * ties when a job's labels match several pools equally well.
 */
@Validated
@ConfigurationProperties("runnerscale")
public record PoolsProperties(@DefaultValue List<@Valid Pool> pools) {

    public PoolsProperties {
        pools = List.copyOf(pools);
    }

    @AssertTrue(message = "runnerscale.pools[*].name must be unique")
    public boolean isEveryPoolNameUnique() {
        Set<String> seen = new HashSet<>();
        return pools.stream().allMatch(p -> p.name() == null || seen.add(p.name()));
    }

    /**
     * One pool of identical ephemeral runners.
     *
     * @param name DNS-1123 label, at most 40 characters, because pod names are {@code <name>-<slot>}
     * @param labels the runner labels; a job belongs to the pool whose labels contain all of the job's labels
     * @param github where the runners register (organisation or repository)
     * @param minIdle warm runners kept registered and idle
     * @param max hard cap of runners (pods) of the pool at any instant
     * @param idleTimeout how long a registered, idle runner above {@code minIdle} may stay
     * @param pendingTimeout how long a pod may stay pending before it is replaced
     * @param namespace Kubernetes namespace of the runner pods
     * @param pod the runner pod template
     */
    public record Pool(
            @NotBlank
            @Pattern(
                    regexp = "[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?",
                    message = "must be a DNS-1123 label of at most 40 characters")
            String name,

            @NotEmpty List<@NotBlank String> labels,
            @NotNull @Valid GitHubScope github,
            @DefaultValue("0") @Min(0) int minIdle,
            @DefaultValue("10") @Min(0) @Max(1000) int max,
            @DefaultValue("10m") @NotNull Duration idleTimeout,
            @DefaultValue("5m") @NotNull Duration pendingTimeout,
            @DefaultValue("runnerscale-runners") @NotBlank String namespace,
            @DefaultValue @NotNull @Valid PodTemplate pod,
            @DefaultValue @NotNull @Valid Capacity capacity,
            @DefaultValue @NotNull @Valid Budget budget,

            @DefaultValue("linux-2-core")
            @Pattern(
                    regexp = "[a-z0-9]+(-[a-z0-9]+)*",
                    message = "must name a GitHub-hosted runner size, for example linux-2-core")
            String githubHostedSize) {

        public Pool {
            labels = List.copyOf(labels);
        }

        /** The pool's labels, lower-cased, for case-insensitive matching. */
        public Set<String> normalizedLabels() {
            Set<String> out = new HashSet<>();
            labels.forEach(l -> out.add(l.trim().toLowerCase(Locale.ROOT)));
            return out;
        }

        @AssertTrue(message = "min-idle must not exceed max")
        public boolean isMinIdleWithinMax() {
            return minIdle <= max;
        }
    }

    /**
     * Where runners of a pool register with GitHub, and so which jobs the pool can serve: a runner of an organisation
     * takes jobs of that organisation's repositories only (of those its runner group admits), a repository's runner
     * jobs of that repository only.
     *
     * @param owner organisation (or user) login
     * @param repository repository name for a repository-scoped pool; blank for an organisation-scoped pool
     * @param runnerGroupId runner group of organisation runners (GitHub's default group is 1)
     * @param repositories for an organisation-scoped pool, the repositories whose jobs it takes (globs on the
     *     repository name, or on {@code owner/name} when they hold a {@code /}; {@code *} matches any run of characters
     *     but {@code /}); empty: every repository of the organisation. Set it when the runner group is restricted to
     *     selected repositories, so that the pool never holds runners for jobs it can never take.
     */
    public record GitHubScope(
            @NotBlank String owner,
            @DefaultValue("") String repository,
            @DefaultValue("1") @Min(1) long runnerGroupId,
            @DefaultValue List<@NotBlank String> repositories) {

        public GitHubScope {
            repositories = List.copyOf(repositories);
        }

        /** A scope without a repository allow-list (a static factory: a second constructor would defeat binding). */
        public static GitHubScope of(String owner, String repository, long runnerGroupId) {
            return new GitHubScope(owner, repository, runnerGroupId, List.of());
        }

        public boolean organisationScoped() {
            return repository == null || repository.isBlank();
        }

        /**
         * The GitHub scope runners are registered and listed in: {@code owner} or {@code owner/repository}. Pools with
         * the same key share one runner listing.
         */
        public String key() {
            return organisationScoped()
                    ? owner.toLowerCase(Locale.ROOT)
                    : (owner + "/" + repository).toLowerCase(Locale.ROOT);
        }

        @AssertTrue(message = "repositories (an allow-list) applies to organisation-scoped pools only")
        public boolean isAllowListOnlyForOrganisations() {
            return repositories.isEmpty() || organisationScoped();
        }
    }

    /**
     * The runner pod template.
     *
     * @param image runner image, version pinned
     * @param resources requests and limits (both required: an unbounded runner starves its neighbours)
     * @param nodeSelector node selector, for example the spot node group
     * @param tolerations tolerations, for example of the spot node group's taint
     * @param env extra environment of the runner container
     * @param serviceAccount service account of the pod (its token is not mounted)
     * @param terminationGracePeriod long enough for a job to notice a shutdown
     * @param dockerInDocker explicit opt-in for a privileged Docker-in-Docker sidecar
     * @param dockerResources requests and limits of the Docker-in-Docker sidecar (its own: image builds need their own
     *     CPU and memory beside the runner's)
     * @param dockerStorageSize size limit of the {@code emptyDir} behind the sidecar's {@code /var/lib/docker}
     */
    public record PodTemplate(
            @DefaultValue("ghcr.io/actions/actions-runner:2.329.0") @NotBlank
            String image,

            @DefaultValue @NotNull @Valid Resources resources,
            @DefaultValue Map<String, String> nodeSelector,
            @DefaultValue List<@Valid Toleration> tolerations,
            @DefaultValue Map<String, String> env,
            @DefaultValue("") String serviceAccount,
            @DefaultValue("5m") @NotNull Duration terminationGracePeriod,
            @DefaultValue("false") boolean dockerInDocker,
            @DefaultValue @NotNull @Valid DockerResources dockerResources,
            @DefaultValue("20Gi") @NotBlank String dockerStorageSize) {

        public PodTemplate {
            nodeSelector = Map.copyOf(nodeSelector);
            tolerations = List.copyOf(tolerations);
            env = Map.copyOf(env);
        }
    }

    /**
     * Who provides nodes for the pool's pods ({@code runnerscale.pools[*].capacity}).
     *
     * @param provider {@code karpenter} (pods ask for spot through their node selector, on-demand while spot is short),
     *     {@code auto-scaling-group} (we drive the pool's spot group and its on-demand fallback group) or
     *     {@code external} (something else provisions nodes; we only create pods and account cost)
     * @param unschedulableThreshold how long the pool's pods may stay unschedulable before new capacity shifts to
     *     on-demand
     * @param recoveryProbeInitial first wait before spot is tried again after a shift to on-demand
     * @param recoveryProbeMax longest wait between spot probes (the wait doubles after each failed probe)
     * @param autoScalingGroup the groups of provider {@code auto-scaling-group}
     */
    public record Capacity(
            @DefaultValue("karpenter") @NotNull CapacityProvider provider,
            @DefaultValue("3m") @NotNull Duration unschedulableThreshold,
            @DefaultValue("5m") @NotNull Duration recoveryProbeInitial,
            @DefaultValue("1h") @NotNull Duration recoveryProbeMax,
            @DefaultValue @NotNull @Valid AutoScalingGroups autoScalingGroup) {

        public static Capacity defaults() {
            return new Capacity(
                    CapacityProvider.KARPENTER,
                    Duration.ofMinutes(3),
                    Duration.ofMinutes(5),
                    Duration.ofHours(1),
                    new AutoScalingGroups("", "", 1));
        }

        @AssertTrue(
                message = "auto-scaling-group.spot-group and auto-scaling-group.on-demand-group are required with"
                        + " provider auto-scaling-group")
        public boolean isAutoScalingGroupNamed() {
            return provider != CapacityProvider.AUTO_SCALING_GROUP
                    || (autoScalingGroup != null
                            && !autoScalingGroup.spotGroup().isBlank()
                            && !autoScalingGroup.onDemandGroup().isBlank());
        }

        @AssertTrue(
                message = "durations must be positive and recovery-probe-initial must not exceed recovery-probe-max")
        public boolean isProbeWindowValid() {
            return unschedulableThreshold != null
                    && recoveryProbeInitial != null
                    && recoveryProbeMax != null
                    && !unschedulableThreshold.isNegative()
                    && !unschedulableThreshold.isZero()
                    && !recoveryProbeInitial.isNegative()
                    && !recoveryProbeInitial.isZero()
                    && recoveryProbeInitial.compareTo(recoveryProbeMax) <= 0;
        }
    }

    /** {@code karpenter}, {@code auto-scaling-group} or {@code external} (Spring binds the kebab-case names). */
    public enum CapacityProvider {
        KARPENTER,
        AUTO_SCALING_GROUP,
        EXTERNAL
    }

    /**
     * The Auto Scaling groups of a pool (provider {@code auto-scaling-group}).
     *
     * @param spotGroup name of the spot group ({@code <cluster>-<pool>-spot})
     * @param onDemandGroup name of the on-demand fallback group ({@code <cluster>-<pool>-on-demand})
     * @param podsPerNode runner pods one node of the groups holds
     */
    public record AutoScalingGroups(
            @DefaultValue("") String spotGroup,
            @DefaultValue("") String onDemandGroup,
            @DefaultValue("1") @Min(1) @Max(110) int podsPerNode) {}

    /**
     * A pool's monthly budget ({@code runnerscale.pools[*].budget}).
     *
     * @param monthlyUsd USD per calendar month (UTC) as a decimal string; {@code 0} means no budget
     */
    public record Budget(
            @DefaultValue("0")
            @NotNull
            @jakarta.validation.constraints.DecimalMin(value = "0", message = "must be a non-negative amount of USD")
            java.math.BigDecimal monthlyUsd) {

        public static Budget none() {
            return new Budget(java.math.BigDecimal.ZERO);
        }

        public boolean isSet() {
            return monthlyUsd != null && monthlyUsd.signum() > 0;
        }
    }

    /** Kubernetes quantities, for example {@code 2} CPUs and {@code 4Gi}. */
    public record Resources(
            @DefaultValue("1") @NotBlank String cpuRequest,
            @DefaultValue("2Gi") @NotBlank String memoryRequest,
            @DefaultValue("2") @NotBlank String cpuLimit,
            @DefaultValue("4Gi") @NotBlank String memoryLimit) {}

    /** The Docker daemon's own requests and limits (defaults sized for image builds next to a 1-CPU runner). */
    public record DockerResources(
            @DefaultValue("500m") @NotBlank String cpuRequest,
            @DefaultValue("1Gi") @NotBlank String memoryRequest,
            @DefaultValue("2") @NotBlank String cpuLimit,
            @DefaultValue("4Gi") @NotBlank String memoryLimit) {}

    public record Toleration(
            @NotBlank String key,

            @DefaultValue("Equal") @Pattern(regexp = "Equal|Exists")
            String operator,

            @DefaultValue("") String value,

            @DefaultValue("") @Pattern(regexp = "|NoSchedule|PreferNoSchedule|NoExecute")
            String effect) {}
}
