package dev.runnerscale.autoscaler.cost;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What cost needs to know of a node: where it is, how it is bought and what it offers.
 *
 * @param name Kubernetes node name
 * @param instanceType EC2 instance type, or null when the node has no such label
 * @param zone availability zone name ({@code us-east-1a}), or null
 * @param zoneId availability zone id ({@code use1-az4}), the same physical zone in every account, or null
 * @param capacityType spot, on-demand or unknown
 * @param allocatable what the node offers to pods
 */
public record NodeFacts(
        String name, String instanceType, String zone, String zoneId, CapacityType capacityType, Requests allocatable) {

    public static final String INSTANCE_TYPE_LABEL = "node.kubernetes.io/instance-type";
    public static final String ZONE_LABEL = "topology.kubernetes.io/zone";
    public static final String ZONE_ID_LABEL = "topology.k8s.aws/zone-id";
    public static final String KARPENTER_CAPACITY_TYPE_LABEL = "karpenter.sh/capacity-type";
    public static final String EKS_CAPACITY_TYPE_LABEL = "eks.amazonaws.com/capacityType";
    public static final String RUNNERSCALE_CAPACITY_TYPE_LABEL = "runnerscale.dev/capacity-type";
    public static final String RUNNERSCALE_POOL_LABEL = "runnerscale.dev/pool";

    private static final Pattern REGION = Pattern.compile("^([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\\d+)");

    /**
     * Reads a node's labels (see docs/architecture.md, "Runner nodes"): instance type and zone from the well-known
     * labels; the capacity type from Karpenter's {@code karpenter.sh/capacity-type} ({@code spot|on-demand}), else
     * EKS managed node groups' {@code eks.amazonaws.com/capacityType} ({@code SPOT|ON_DEMAND}), else ours
     * ({@code runnerscale.dev/capacity-type}); none of them → unknown.
     */
    public static NodeFacts fromLabels(String name, Map<String, String> labels, Requests allocatable) {
        CapacityType capacity = CapacityType.fromLabel(labels.get(KARPENTER_CAPACITY_TYPE_LABEL));
        if (capacity == CapacityType.UNKNOWN) {
            capacity = CapacityType.fromLabel(labels.get(EKS_CAPACITY_TYPE_LABEL));
        }
        if (capacity == CapacityType.UNKNOWN) {
            capacity = CapacityType.fromLabel(labels.get(RUNNERSCALE_CAPACITY_TYPE_LABEL));
        }
        return new NodeFacts(
                name,
                blankToNull(labels.get(INSTANCE_TYPE_LABEL)),
                blankToNull(labels.get(ZONE_LABEL)),
                blankToNull(labels.get(ZONE_ID_LABEL)),
                capacity,
                allocatable);
    }

    /** The region of the zone ({@code us-east-1a} → {@code us-east-1}, local zones included), if known. */
    public Optional<String> region() {
        if (zone == null) {
            return Optional.empty();
        }
        Matcher m = REGION.matcher(zone);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
