package dev.runnerscale.autoscaler.runners;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the Kubernetes API server is ({@code runnerscale.kubernetes.*}).
 *
 * @param masterUrl an explicit API server URL (the local default's in-process server); blank: the kubeconfig
 *     ({@code KUBECONFIG} or {@code ~/.kube/config}) or the in-cluster service account
 */
@Validated
@ConfigurationProperties("runnerscale.kubernetes")
public record KubernetesProperties(@DefaultValue("") String masterUrl) {}
