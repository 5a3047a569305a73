package dev.runnerscale.autoscaler.runners;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the Kubernetes API server is ({@code runnerscale.kubernetes.*}).
 *
 * @param masterUrl an explicit API server URL (the local default's in-process server); blank: the kubeconfig
 *     ({@code KUBECONFIG} or {@code ~/.kube/config}) or the in-cluster service account
 * @param podName this replica's own pod (the Helm chart passes it from the downward API as {@code POD_NAME}): pool-level
 *     Kubernetes Events (a pool held after GitHub refused its calls) are written on it; blank: those Events are not
 *     written (log lines, metrics and the pool view still say it)
 * @param podNamespace the namespace of {@code podName} ({@code POD_NAMESPACE})
 */
@Validated
@ConfigurationProperties("runnerscale.kubernetes")
public record KubernetesProperties(
        @DefaultValue("") String masterUrl,
        @DefaultValue("") String podName,
        @DefaultValue("") String podNamespace) {

    public boolean knowsOwnPod() {
        return podName != null && !podName.isBlank() && podNamespace != null && !podNamespace.isBlank();
    }
}
