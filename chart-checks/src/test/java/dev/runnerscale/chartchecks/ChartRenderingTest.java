package dev.runnerscale.chartchecks;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import dev.runnerscale.autoscaler.webhook.WebhookProperties;
import dev.runnerscale.chartchecks.support.BoundConfiguration;
import dev.runnerscale.chartchecks.support.Charts;
import dev.runnerscale.chartchecks.support.Charts.Values;
import dev.runnerscale.chartchecks.support.Rendered;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.math.BigInteger;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.convert.DurationStyle;

/** Both charts with default, development and production values: lint, render, and the security properties. */
class ChartRenderingTest {

    static final String AUTOSCALER = "autoscaler";
    static final String TASK_API = "task-api";

    /** Kinds without a fabric8 model on this classpath (operator CRDs); they parse as generic resources. */
    static final Set<String> CUSTOM_KINDS = Set.of("ExternalSecret", "ServiceMonitor", "PrometheusRule");

    static Stream<Arguments> chartsAndValues() {
        return Stream.of(AUTOSCALER, TASK_API)
                .flatMap(chart -> Stream.of(Values.values()).map(values -> Arguments.of(chart, values)));
    }

    @ParameterizedTest(name = "{0} with {1} values")
    @MethodSource("chartsAndValues")
    void lintsCleanlyInStrictMode(String chart, Values values) {
        LintResult lint = Charts.lint(chart, values);
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
        assertThat(lint.getMessages()).allMatch(m -> m.startsWith("[INFO]"), "only informational lint messages");
    }

    @ParameterizedTest(name = "{0} with {1} values")
    @MethodSource("chartsAndValues")
    void rendersOnlyObjectsOfKnownModelTypes(String chart, Values values) {
        Rendered rendered = Charts.render(chart, values);
        assertThat(rendered.objects()).isNotEmpty();
        for (HasMetadata object : rendered.objects()) {
            if (object instanceof GenericKubernetesResource) {
                assertThat(object.getKind()).as("an untyped object").isIn(CUSTOM_KINDS);
            }
            assertThat(object.getMetadata().getName()).isNotBlank();
        }
    }

    @ParameterizedTest(name = "{0} with {1} values")
    @MethodSource("chartsAndValues")
    void everyPodIsHardened(String chart, Values values) {
        Map<String, PodSpec> pods = Charts.render(chart, values).podSpecs();
        assertThat(pods).isNotEmpty();
        pods.forEach((owner, pod) -> {
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(owner).isTrue();
            assertThat(pod.getSecurityContext().getSeccompProfile().getType())
                    .as(owner)
                    .isEqualTo("RuntimeDefault");
            Set<String> tmpVolumes = pod.getVolumes().stream()
                    .filter(v -> v.getEmptyDir() != null)
                    .map(v -> v.getName())
                    .collect(Collectors.toSet());
            for (Container c : Rendered.containers(pod)) {
                String where = owner + " container " + c.getName();
                var sc = c.getSecurityContext();
                assertThat(sc.getPrivileged()).as(where).isNotEqualTo(Boolean.TRUE);
                assertThat(sc.getAllowPrivilegeEscalation()).as(where).isFalse();
                assertThat(sc.getReadOnlyRootFilesystem()).as(where).isTrue();
                assertThat(sc.getRunAsNonRoot()).as(where).isTrue();
                assertThat(sc.getCapabilities().getDrop()).as(where).contains("ALL");
                assertThat(sc.getCapabilities().getAdd()).as(where).isNullOrEmpty();
                assertThat(c.getResources().getRequests()).as(where).containsKeys("cpu", "memory");
                assertThat(c.getResources().getLimits()).as(where).containsKeys("cpu", "memory");
                // the JVM and Tomcat write to /tmp, the only writable place on a read-only root filesystem
                assertThat(c.getVolumeMounts())
                        .as(where)
                        .anyMatch(m -> m.getMountPath().equals("/tmp") && tmpVolumes.contains(m.getName()));
            }
        });
    }

    @ParameterizedTest(name = "{0} with {1} values")
    @MethodSource("chartsAndValues")
    void probesAskTheManagementPortAndThePortsMatchTheConfiguration(String chart, Values values) {
        Rendered rendered = Charts.render(chart, values);
        Deployment deployment = rendered.one(Deployment.class);
        Container container =
                deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, Integer> ports = container.getPorts().stream()
                .collect(Collectors.toMap(ContainerPort::getName, ContainerPort::getContainerPort));
        assertThat(ports).containsEntry("http", 8080).containsEntry("management", 8081);

        assertProbe(container.getLivenessProbe(), "/actuator/health/liveness");
        assertProbe(container.getStartupProbe(), "/actuator/health/liveness");
        assertProbe(container.getReadinessProbe(), "/actuator/health/readiness");

        BoundConfiguration config = new BoundConfiguration(rendered.applicationYaml(), Map.of());
        assertThat(config.names("server")).contains("server.port");
        Map<String, Object> yaml = new org.yaml.snakeyaml.Yaml().load(rendered.applicationYaml());
        assertThat(dig(yaml, "server", "port")).isEqualTo(8080);
        assertThat(dig(yaml, "management", "server", "port")).isEqualTo(8081);
        assertThat(dig(yaml, "server", "shutdown")).isEqualTo("graceful");

        // the ConfigMap is mounted where SPRING_CONFIG_ADDITIONAL_LOCATION points
        String location = env(container, "SPRING_CONFIG_ADDITIONAL_LOCATION");
        String configVolume = deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getConfigMap() != null)
                .findFirst()
                .orElseThrow()
                .getName();
        String mountPath = container.getVolumeMounts().stream()
                .filter(m -> m.getName().equals(configVolume))
                .findFirst()
                .orElseThrow()
                .getMountPath();
        assertThat(location).isEqualTo("optional:file:" + mountPath + "/");
    }

    private static void assertProbe(Probe probe, String path) {
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("management");
    }

    @ParameterizedTest(name = "{0} with {1} values")
    @MethodSource("chartsAndValues")
    void podsSpreadOverZonesAndADisruptionBudgetKeepsOneWhenThereAreSeveral(String chart, Values values) {
        Rendered rendered = Charts.render(chart, values);
        Deployment deployment = rendered.one(Deployment.class);
        var pod = deployment.getSpec().getTemplate();
        assertThat(pod.getSpec().getTopologySpreadConstraints())
                .anyMatch(t -> t.getTopologyKey().equals("topology.kubernetes.io/zone"));
        assertThat(deployment
                        .getSpec()
                        .getStrategy()
                        .getRollingUpdate()
                        .getMaxUnavailable()
                        .getIntVal())
                .isZero();
        List<PodDisruptionBudget> budgets = rendered.all(PodDisruptionBudget.class);
        if (values != Values.DEV) {
            assertThat(budgets).hasSize(1);
            assertThat(pod.getMetadata().getLabels())
                    .containsAllEntriesOf(budgets.get(0).getSpec().getSelector().getMatchLabels());
            assertThat(budgets.get(0).getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0} with {1} values")
    @MethodSource("chartsAndValues")
    void dashboardsAreConfigMapsForGrafanasSidecar(String chart, Values values) {
        List<ConfigMap> dashboards = Charts.render(chart, values).all(ConfigMap.class).stream()
                .filter(c -> c.getData().keySet().stream().anyMatch(k -> k.endsWith(".json")))
                .toList();
        assertThat(dashboards).isNotEmpty();
        assertThat(dashboards)
                .allSatisfy(c -> assertThat(c.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1"));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Values.class)
    void productionSecretsComeFromExternalSecretsWhoseTargetsThePodsReference(Values values) {
        for (String chart : List.of(AUTOSCALER, TASK_API)) {
            Rendered rendered = Charts.render(chart, values);
            Set<String> referenced = Rendered.containers(
                            rendered.podSpecs().values().iterator().next())
                    .stream()
                    .flatMap(c -> c.getEnv().stream())
                    .filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                    .map(e -> e.getValueFrom().getSecretKeyRef().getName())
                    .collect(Collectors.toSet());
            List<HasMetadata> external = rendered.ofKind("ExternalSecret");
            if (values == Values.PROD) {
                Set<String> targets = external.stream()
                        .map(e -> (String) dig(
                                ((GenericKubernetesResource) e).getAdditionalProperties(), "spec", "target", "name"))
                        .collect(Collectors.toSet());
                assertThat(targets).as(chart).containsAll(referenced);
                external.forEach(e -> assertThat(dig(
                                ((GenericKubernetesResource) e).getAdditionalProperties(),
                                "spec",
                                "secretStoreRef",
                                "name"))
                        .isNotNull());
            } else {
                assertThat(external).as(chart).isEmpty();
            }
        }
    }

    @Nested
    class Autoscaler {

        @Test
        void runsTwoReplicasEveryOneTakingWebhooksAndOneLeadingOnALeaseInItsNamespace() {
            Rendered rendered = Charts.render(AUTOSCALER, Values.DEFAULT);
            assertThat(rendered.one(Deployment.class).getSpec().getReplicas()).isEqualTo(2);
            Map<String, Object> yaml = new org.yaml.snakeyaml.Yaml().load(rendered.applicationYaml());
            assertThat(dig(yaml, "runnerscale", "kubernetes", "leader-election", "namespace"))
                    .isEqualTo(Charts.NAMESPACE);
            assertThat(dig(yaml, "runnerscale", "kubernetes", "leader-election", "enabled"))
                    .isEqualTo(true);
        }

        @ParameterizedTest
        @EnumSource(Values.class)
        void shutsDownLongerThanADeliveryWaitsForItsCommit(Values values) {
            Rendered rendered = Charts.render(AUTOSCALER, values);
            BoundConfiguration config =
                    new BoundConfiguration(rendered.applicationYaml(), Map.of("RUNNERSCALE_WEBHOOK_SECRETS", "s"));
            Duration acknowledge =
                    config.bind("runnerscale.webhook", WebhookProperties.class).acknowledgeTimeout();
            Map<String, Object> yaml = new org.yaml.snakeyaml.Yaml().load(rendered.applicationYaml());
            Duration phase = DurationStyle.detectAndParse(
                    (String) dig(yaml, "spring", "lifecycle", "timeout-per-shutdown-phase"));
            PodSpec pod = rendered.one(Deployment.class).getSpec().getTemplate().getSpec();
            long preStop = pod.getContainers()
                    .get(0)
                    .getLifecycle()
                    .getPreStop()
                    .getSleep()
                    .getSeconds();
            assertThat(phase).isGreaterThan(acknowledge);
            assertThat(Duration.ofSeconds(pod.getTerminationGracePeriodSeconds()))
                    .isGreaterThan(phase.plusSeconds(preStop));
        }

        @Test
        void theServiceAccountCarriesTheIrsaRole() {
            String role = "arn:aws:iam::123456789012:role/runnerscale-autoscaler";
            ServiceAccount account = Charts.render(AUTOSCALER, Values.DEFAULT, Map.of("serviceAccount.roleArn", role))
                    .one(ServiceAccount.class);
            assertThat(account.getMetadata().getAnnotations()).containsEntry("eks.amazonaws.com/role-arn", role);
        }

        @Test
        void theIngressRoutesOnlyTheWebhookWithTls() {
            Ingress ingress = Charts.render(
                            AUTOSCALER,
                            Values.DEFAULT,
                            Map.of(
                                    "ingress.enabled", true,
                                    "ingress.host", "hooks.example.com",
                                    "ingress.certificateArn", "arn:aws:acm:eu-west-1:123456789012:certificate/x"))
                    .one(Ingress.class);
            List<String> paths = ingress.getSpec().getRules().stream()
                    .map(IngressRule::getHttp)
                    .flatMap(h -> h.getPaths().stream())
                    .map(p -> p.getPathType() + " " + p.getPath())
                    .toList();
            assertThat(paths).containsExactly("Exact /webhooks/github");
            assertThat(ingress.getMetadata().getAnnotations())
                    .containsEntry("alb.ingress.kubernetes.io/listen-ports", "[{\"HTTPS\":443}]")
                    .containsKey("alb.ingress.kubernetes.io/certificate-arn");
        }

        @ParameterizedTest
        @EnumSource(Values.class)
        void acceptsTrafficOnlyOnTheWebhookAndManagementPorts(Values values) {
            NetworkPolicy policy = Charts.render(AUTOSCALER, values).all(NetworkPolicy.class).stream()
                    .filter(p -> p.getMetadata().getNamespace().equals(Charts.NAMESPACE))
                    .findFirst()
                    .orElseThrow();
            assertThat(policy.getSpec().getPolicyTypes()).contains("Ingress");
            Set<Integer> ports = policy.getSpec().getIngress().stream()
                    .flatMap(r -> r.getPorts().stream())
                    .map(p -> p.getPort().getIntVal())
                    .collect(Collectors.toSet());
            assertThat(ports).containsExactlyInAnyOrder(8080, 8081);
            assertThat(policy.getSpec().getIngress())
                    .allMatch(r -> !r.getPorts().isEmpty());
        }

        @ParameterizedTest
        @EnumSource(Values.class)
        void runnersReachOnlyDnsAndHttpsAndNeverTheInstanceMetadataService(Values values) throws Exception {
            Rendered rendered = Charts.render(AUTOSCALER, values);
            List<NetworkPolicy> runnerPolicies = rendered.all(NetworkPolicy.class).stream()
                    .filter(p -> !p.getMetadata().getNamespace().equals(Charts.NAMESPACE))
                    .toList();
            assertThat(runnerPolicies)
                    .extracting(p -> p.getMetadata().getNamespace())
                    .contains("runnerscale-runners");
            InetAddress metadata = InetAddress.getByName("169.254.169.254");
            InetAddress metadataV6 = InetAddress.getByName("fd00:ec2::254");
            for (NetworkPolicy policy : runnerPolicies) {
                assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isNullOrEmpty();
                assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
                assertThat(policy.getSpec().getIngress()).isEmpty();
                for (NetworkPolicyEgressRule rule : policy.getSpec().getEgress()) {
                    // a rule without ports or without peers would open everything it leaves out
                    assertThat(rule.getPorts()).isNotEmpty();
                    assertThat(rule.getTo()).isNotEmpty();
                    for (NetworkPolicyPort port : rule.getPorts()) {
                        assertThat(port.getProtocol() + "/" + port.getPort().getIntVal())
                                .isIn("UDP/53", "TCP/53", "TCP/443");
                    }
                    for (NetworkPolicyPeer peer : rule.getTo()) {
                        if (peer.getIpBlock() != null) {
                            for (InetAddress address : List.of(metadata, metadataV6)) {
                                if (contains(peer.getIpBlock().getCidr(), address)) {
                                    assertThat(peer.getIpBlock().getExcept())
                                            .as(
                                                    "%s must except %s",
                                                    peer.getIpBlock().getCidr(), address)
                                            .anyMatch(except -> contains(except, address));
                                }
                            }
                        }
                    }
                }
            }
        }

        @Test
        void runnerNamespacesEnforceTheRestrictedPodSecurityLevelUnlessAPoolOptsIntoDockerInDocker() {
            Namespace plain = Charts.render(AUTOSCALER, Values.DEFAULT).one(Namespace.class);
            assertThat(plain.getMetadata().getLabels())
                    .containsEntry("pod-security.kubernetes.io/enforce", "restricted");

            Map<String, Object> values =
                    Charts.readYaml(Charts.chart(AUTOSCALER).resolve("values.yaml"));
            @SuppressWarnings("unchecked")
            Map<String, Object> pod =
                    (Map<String, Object>) ((Map<String, Object>) ((List<?>) values.get("pools")).get(1)).get("pod");
            pod.put("docker-in-docker", true);
            Namespace dind = Charts.render(AUTOSCALER, values).one(Namespace.class);
            assertThat(dind.getMetadata().getLabels())
                    .containsEntry("pod-security.kubernetes.io/enforce", "privileged");
        }
    }

    @Nested
    class TaskApi {

        @Test
        void scalesFromTwoToTenPodsOnCpuAndMemory() {
            HorizontalPodAutoscaler hpa = Charts.render(TASK_API, Values.PROD).one(HorizontalPodAutoscaler.class);
            assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
            assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(10);
            Map<String, Integer> targets = hpa.getSpec().getMetrics().stream()
                    .collect(Collectors.toMap(
                            m -> m.getResource().getName(),
                            m -> m.getResource().getTarget().getAverageUtilization()));
            assertThat(targets).containsExactlyInAnyOrderEntriesOf(Map.of("cpu", 70, "memory", 60));
            assertThat(Charts.render(TASK_API, Values.PROD)
                            .one(Deployment.class)
                            .getSpec()
                            .getReplicas())
                    .as("the HPA owns the replica count")
                    .isNull();
        }

        @ParameterizedTest
        @EnumSource(Values.class)
        void aHookJobMigratesOnceBeforeThePodsWhichNeverMigrateThemselves(Values values) {
            Rendered rendered = Charts.render(TASK_API, values);
            Job job = rendered.one(Job.class);
            assertThat(job.getMetadata().getAnnotations().get(Charts.HOOK_ANNOTATION))
                    .isEqualTo("pre-install,pre-upgrade");
            Container migrate =
                    job.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertThat(env(migrate, "SPRING_FLYWAY_ENABLED")).isEqualTo("true");
            assertThat(env(migrate, "SPRING_PROFILES_ACTIVE")).isEqualTo("migrate");
            assertThat(env(migrate, "SPRING_MAIN_WEB_APPLICATION_TYPE")).isEqualTo("none");
            assertThat(migrate.getImage())
                    .isEqualTo(rendered.one(Deployment.class)
                            .getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .getImage());
            Map<String, Object> yaml = new org.yaml.snakeyaml.Yaml().load(rendered.applicationYaml());
            assertThat(dig(yaml, "spring", "flyway", "enabled")).isEqualTo(false);
        }

        @Test
        void withoutTheJobEveryPodMigratesAtStartUp() {
            Rendered rendered = Charts.render(TASK_API, Values.DEFAULT, Map.of("migration.enabled", false));
            assertThat(rendered.all(Job.class)).isEmpty();
            Map<String, Object> yaml = new org.yaml.snakeyaml.Yaml().load(rendered.applicationYaml());
            assertThat(dig(yaml, "spring", "flyway", "enabled")).isEqualTo(true);
        }

        @ParameterizedTest
        @EnumSource(Values.class)
        void talksOnlyToPostgresqlAndDnsAndIsReachedOnlyOnItsPorts(Values values) {
            NetworkPolicy policy = Charts.render(TASK_API, values).one(NetworkPolicy.class);
            assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
            assertThat(policy.getSpec().getEgress().stream()
                            .flatMap(r -> r.getPorts().stream())
                            .map(p -> p.getProtocol() + "/" + p.getPort().getIntVal()))
                    .containsExactlyInAnyOrder("TCP/5432", "UDP/53", "TCP/53");
            assertThat(policy.getSpec().getEgress()).allMatch(r -> !r.getTo().isEmpty());
            assertThat(policy.getSpec().getIngress().stream()
                            .flatMap(r -> r.getPorts().stream())
                            .map(p -> p.getPort().getIntVal()))
                    .containsExactlyInAnyOrder(8080, 8081);
        }

        @Test
        void theIngressRoutesTheApiOnly() {
            Ingress ingress = Charts.render(TASK_API, Values.PROD).one(Ingress.class);
            assertThat(ingress.getSpec().getRules().get(0).getHttp().getPaths())
                    .extracting(p -> p.getPath())
                    // token minting is not exposed to the internet by default
                    .containsExactly("/tasks");
            assertThat(Charts.render(TASK_API, Values.PROD)
                            .one(Deployment.class)
                            .getSpec()
                            .getTemplate()
                            .getSpec()
                            .getAutomountServiceAccountToken())
                    .isFalse();
        }
    }

    // ---------------------------------------------------------------- helpers

    static String env(Container container, String name) {
        return container.getEnv().stream()
                .filter(e -> e.getName().equals(name))
                .map(EnvVar::getValue)
                .filter(Objects::nonNull)
                .findFirst()
                .orElseThrow(() -> new AssertionError(container.getName() + " has no env " + name));
    }

    @SuppressWarnings("unchecked")
    static Object dig(Map<String, Object> map, String... path) {
        Object current = map;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = ((Map<String, Object>) m).get(key);
        }
        return current;
    }

    static boolean contains(String cidr, InetAddress address) {
        try {
            String[] parts = cidr.split("/");
            InetAddress network = InetAddress.getByName(parts[0]);
            if (network.getAddress().length != address.getAddress().length) {
                return false;
            }
            int bits = Integer.parseInt(parts[1]);
            int total = network.getAddress().length * 8;
            BigInteger mask = bits == 0
                    ? BigInteger.ZERO
                    : BigInteger.ONE
                            .shiftLeft(total)
                            .subtract(BigInteger.ONE)
                            .shiftRight(total - bits)
                            .shiftLeft(total - bits);
            return new BigInteger(1, network.getAddress())
                    .and(mask)
                    .equals(new BigInteger(1, address.getAddress()).and(mask));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(cidr, e);
        }
    }
}
