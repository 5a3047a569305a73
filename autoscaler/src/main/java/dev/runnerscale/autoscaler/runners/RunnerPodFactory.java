package dev.runnerscale.autoscaler.runners;

import dev.runnerscale.autoscaler.pools.PoolsProperties.PodTemplate;
import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Pure builders of the desired runner pod and its JIT Secret (Strimzi style: no client calls here). The JIT config
 * lives only in the Secret; the pod mounts it, so the kubelet holds the container until the Secret exists.
 */
public final class RunnerPodFactory {

    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY = "runnerscale";
    public static final String POOL_LABEL = "runnerscale.dev/pool";
    public static final String SLOT_LABEL = "runnerscale.dev/slot";
    public static final String RUNNER_NAME_ANNOTATION = "runnerscale.dev/runner-name";
    public static final String RUNNER_ID_ANNOTATION = "runnerscale.dev/runner-id";
    public static final String REGISTRATION_ANNOTATION = "runnerscale.dev/registration";
    /** When GitHub registered the runner (JIT config issued): a stage of a job's wait. */
    public static final String REGISTERED_AT_ANNOTATION = "runnerscale.dev/registered-at";

    public static final String REGISTRATION_SKIPPED = "skipped-dry-run";
    public static final String DO_NOT_DISRUPT_ANNOTATION = "karpenter.sh/do-not-disrupt";
    /** Sticky: set once the runner was seen busy. An ephemeral runner that took a job never goes back to idle. */
    public static final String TOOK_JOB_ANNOTATION = "runnerscale.dev/took-job";
    /** Where the runner registers ({@code owner} or {@code owner/repository}): a drained pool's runner is removed there. */
    public static final String GITHUB_SCOPE_ANNOTATION = "runnerscale.dev/github-scope";
    /**
     * actions/runner's {@code run.sh} exits 0 when its version is deprecated unless this is set; with it, a runner too
     * old to register fails loudly instead of looking like a runner that finished a job.
     */
    static final String VERSION_DEPRECATED_EXIT_CODE_ENV = "ACTIONS_RUNNER_RETURN_VERSION_DEPRECATED_EXIT_CODE";

    public static final String JIT_SECRET_KEY = "jitconfig";
    public static final String RUNNER_CONTAINER = "runner";
    public static final String DIND_CONTAINER = "dind";

    /** uid of the {@code runner} user in the official actions-runner image. */
    static final long RUNNER_UID = 1001L;

    private static final String JIT_MOUNT = "/run/secrets/runnerscale";
    private static final String DIND_IMAGE = "docker:28.5.1-dind";
    private static final String DOCKER_SOCKET_DIR = "/var/run/docker";
    private static final String DOCKER_HOST = "unix://" + DOCKER_SOCKET_DIR + "/docker.sock";

    private RunnerPodFactory() {}

    public static String podName(Pool pool, int slot) {
        return pool.name() + "-" + slot;
    }

    public static String secretName(String podName) {
        return podName + "-jit";
    }

    /**
     * The runner pod of {@code slot}. {@code registrationSkipped} marks a dry-run pod: no Secret will ever exist, which
     * the annotation says instead of a fabricated registration.
     */
    public static Pod desiredPod(Pool pool, int slot, String runnerName, boolean registrationSkipped) {
        return desiredPod(pool, slot, runnerName, registrationSkipped, NodeCapacity.Placement.TEMPLATE);
    }

    /**
     * The runner pod of {@code slot}, placed: the placement's node selector entries over the template's (the capacity
     * type new pods ask for), and a required node affinity that keeps the pod off nodes that got an interruption or
     * rebalance notice. The affinity, not the notice's taint, is what keeps it away: a taint's effect is configurable
     * (aws-node-termination-handler's {@code taintEffect} may be {@code PreferNoSchedule}) and a pool may tolerate
     * everything. {@code matchFields} on {@code metadata.name} names nodes exactly (as the DaemonSet controller does).
     */
    public static Pod desiredPod(
            Pool pool, int slot, String runnerName, boolean registrationSkipped, NodeCapacity.Placement placement) {
        if (slot < 0 || slot >= pool.max()) {
            throw new IllegalArgumentException("slot " + slot + " outside [0, " + pool.max() + ") of " + pool.name());
        }
        PodTemplate template = pool.pod();
        String name = podName(pool, slot);
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(RUNNER_NAME_ANNOTATION, runnerName);
        annotations.put(
                GITHUB_SCOPE_ANNOTATION,
                pool.github().organisationScoped()
                        ? pool.github().owner()
                        : pool.github().owner() + "/" + pool.github().repository());
        if (registrationSkipped) {
            annotations.put(REGISTRATION_ANNOTATION, REGISTRATION_SKIPPED);
        }

        List<Volume> volumes = new ArrayList<>();
        volumes.add(new VolumeBuilder()
                .withName("jit")
                .withNewSecret()
                .withSecretName(secretName(name))
                .withDefaultMode(0400)
                .withOptional(false)
                .endSecret()
                .build());
        volumes.add(new VolumeBuilder()
                .withName("work")
                .withNewEmptyDir()
                .endEmptyDir()
                .build());

        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar(VERSION_DEPRECATED_EXIT_CODE_ENV, "1", null));
        new TreeMap<>(template.env()).forEach((k, v) -> {
            if (!VERSION_DEPRECATED_EXIT_CODE_ENV.equals(k)) {
                env.add(new EnvVar(k, v, null));
            }
        });

        List<Container> containers = new ArrayList<>();
        ContainerBuilder runner = new ContainerBuilder()
                .withName(RUNNER_CONTAINER)
                .withImage(template.image())
                .withImagePullPolicy("IfNotPresent")
                // The runner reads its JIT config from the mounted Secret: never in the spec, env or logs.
                .withCommand("/bin/bash", "-c")
                .withArgs("exec /home/runner/run.sh --jitconfig \"$(cat " + JIT_MOUNT + "/" + JIT_SECRET_KEY + ")\"")
                .withEnv(env)
                .withResources(new ResourceRequirementsBuilder()
                        .addToRequests("cpu", new Quantity(template.resources().cpuRequest()))
                        .addToRequests(
                                "memory", new Quantity(template.resources().memoryRequest()))
                        .addToLimits("cpu", new Quantity(template.resources().cpuLimit()))
                        .addToLimits("memory", new Quantity(template.resources().memoryLimit()))
                        .build())
                .withNewSecurityContext()
                .withRunAsNonRoot(true)
                .withRunAsUser(RUNNER_UID)
                .withAllowPrivilegeEscalation(false)
                .withPrivileged(false)
                .withNewCapabilities()
                .withDrop("ALL")
                .endCapabilities()
                .endSecurityContext()
                .addToVolumeMounts(new VolumeMountBuilder()
                        .withName("jit")
                        .withMountPath(JIT_MOUNT)
                        .withReadOnly(true)
                        .build())
                .addToVolumeMounts(new VolumeMountBuilder()
                        .withName("work")
                        .withMountPath("/home/runner/_work")
                        .build());
        List<Container> initContainers = new ArrayList<>();
        if (template.dockerInDocker()) {
            volumes.add(new VolumeBuilder()
                    .withName("docker-sock")
                    .withNewEmptyDir()
                    .endEmptyDir()
                    .build());
            volumes.add(new VolumeBuilder()
                    .withName("docker-storage")
                    .withNewEmptyDir()
                    .withSizeLimit(new Quantity(template.dockerStorageSize()))
                    .endEmptyDir()
                    .build());
            runner.addToEnv(new EnvVar("DOCKER_HOST", DOCKER_HOST, null))
                    .addToVolumeMounts(new VolumeMountBuilder()
                            .withName("docker-sock")
                            .withMountPath(DOCKER_SOCKET_DIR)
                            .build());
            // A native sidecar (an init container that keeps running): it starts, and must pass its startup probe,
            // before the runner, and the kubelet stops it when the runner exits, so the pod ends with the runner
            // instead of staying Running with an idle daemon (and a slot) for ever.
            initContainers.add(new ContainerBuilder()
                    .withName(DIND_CONTAINER)
                    .withImage(DIND_IMAGE)
                    .withRestartPolicy("Always")
                    .withArgs("dockerd", "--host=" + DOCKER_HOST, "--group=" + RUNNER_UID)
                    // Explicit per-pool opt-in: the Docker daemon needs a privileged container.
                    .withNewSecurityContext()
                    .withPrivileged(true)
                    .endSecurityContext()
                    .withNewStartupProbe()
                    .withNewExec()
                    .withCommand("docker", "--host=" + DOCKER_HOST, "info")
                    .endExec()
                    .withPeriodSeconds(1)
                    .withFailureThreshold(120)
                    .endStartupProbe()
                    .withResources(new ResourceRequirementsBuilder()
                            .addToRequests(
                                    "cpu",
                                    new Quantity(template.dockerResources().cpuRequest()))
                            .addToRequests(
                                    "memory",
                                    new Quantity(template.dockerResources().memoryRequest()))
                            .addToLimits(
                                    "cpu",
                                    new Quantity(template.dockerResources().cpuLimit()))
                            .addToLimits(
                                    "memory",
                                    new Quantity(template.dockerResources().memoryLimit()))
                            .build())
                    .addToVolumeMounts(new VolumeMountBuilder()
                            .withName("docker-sock")
                            .withMountPath(DOCKER_SOCKET_DIR)
                            .build())
                    .addToVolumeMounts(new VolumeMountBuilder()
                            .withName("docker-storage")
                            .withMountPath("/var/lib/docker")
                            .build())
                    .addToVolumeMounts(new VolumeMountBuilder()
                            .withName("work")
                            .withMountPath("/home/runner/_work")
                            .build())
                    .build());
        }
        containers.add(runner.build());

        List<Toleration> tolerations = template.tolerations().stream()
                .map(t -> new TolerationBuilder()
                        .withKey(t.key())
                        .withOperator(t.operator())
                        .withValue(t.value().isBlank() ? null : t.value())
                        .withEffect(t.effect().isBlank() ? null : t.effect())
                        .build())
                .toList();

        Map<String, String> nodeSelector = new TreeMap<>(template.nodeSelector());
        nodeSelector.putAll(placement.nodeSelector());
        Affinity affinity = placement.noticedNodes().isEmpty()
                ? null
                : new AffinityBuilder()
                        .withNewNodeAffinity()
                        .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                        .addNewNodeSelectorTerm()
                        .addNewMatchField()
                        .withKey("metadata.name")
                        .withOperator("NotIn")
                        .withValues(
                                new java.util.TreeSet<>(placement.noticedNodes().keySet())
                                        .stream().toList())
                        .endMatchField()
                        .endNodeSelectorTerm()
                        .endRequiredDuringSchedulingIgnoredDuringExecution()
                        .endNodeAffinity()
                        .build();

        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(pool.namespace())
                .addToLabels(MANAGED_BY_LABEL, MANAGED_BY)
                .addToLabels(POOL_LABEL, pool.name())
                .addToLabels(SLOT_LABEL, Integer.toString(slot))
                .withAnnotations(annotations)
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withAutomountServiceAccountToken(false)
                .withServiceAccountName(template.serviceAccount().isBlank() ? null : template.serviceAccount())
                .withTerminationGracePeriodSeconds(
                        template.terminationGracePeriod().toSeconds())
                .withNodeSelector(nodeSelector.isEmpty() ? null : nodeSelector)
                .withAffinity(affinity)
                .withTolerations(tolerations.isEmpty() ? null : tolerations)
                .withNewSecurityContext()
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .withFsGroup(RUNNER_UID)
                .endSecurityContext()
                .withInitContainers(initContainers.isEmpty() ? null : initContainers)
                .withContainers(containers)
                .withVolumes(volumes)
                .endSpec()
                .build();
    }

    /**
     * The Secret holding a pod's JIT config, owned by the pod (garbage-collected with it). {@code pod} must be the
     * created pod: its uid is the owner reference.
     */
    public static Secret desiredSecret(Pool pool, Pod pod, String encodedJitConfig) {
        String podName = pod.getMetadata().getName();
        return new SecretBuilder()
                .withNewMetadata()
                .withName(secretName(podName))
                .withNamespace(pool.namespace())
                .addToLabels(MANAGED_BY_LABEL, MANAGED_BY)
                .addToLabels(POOL_LABEL, pool.name())
                .withOwnerReferences(new OwnerReferenceBuilder()
                        .withApiVersion("v1")
                        .withKind("Pod")
                        .withName(podName)
                        .withUid(pod.getMetadata().getUid())
                        .withController(true)
                        .withBlockOwnerDeletion(false)
                        .build())
                .endMetadata()
                .withType("Opaque")
                .withImmutable(true)
                .addToData(
                        JIT_SECRET_KEY,
                        Base64.getEncoder().encodeToString(encodedJitConfig.getBytes(StandardCharsets.UTF_8)))
                .build();
    }
}
