package dev.runnerscale.autoscaler.cost;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeFactsTest {

    @ParameterizedTest(name = "{0}={1} → {2}")
    @CsvSource({
        "karpenter.sh/capacity-type, spot, SPOT",
        "karpenter.sh/capacity-type, on-demand, ON_DEMAND",
        "eks.amazonaws.com/capacityType, SPOT, SPOT",
        "eks.amazonaws.com/capacityType, ON_DEMAND, ON_DEMAND",
        "runnerscale.dev/capacity-type, spot, SPOT",
        "runnerscale.dev/capacity-type, on-demand, ON_DEMAND",
        "runnerscale.dev/capacity-type, reserved, UNKNOWN",
        "some.other/label, spot, UNKNOWN"
    })
    void capacityTypeComesFromKarpenterEksOrOurLabel(String key, String value, CapacityType expected) {
        NodeFacts node = NodeFacts.fromLabels(
                "n",
                Map.of(
                        key,
                        value,
                        "node.kubernetes.io/instance-type",
                        "m6i.large",
                        "topology.kubernetes.io/zone",
                        "us-west-2b",
                        "topology.k8s.aws/zone-id",
                        "usw2-az2"),
                Requests.NONE);
        assertThat(node.capacityType()).isEqualTo(expected);
        assertThat(node.instanceType()).isEqualTo("m6i.large");
        assertThat(node.zoneId()).isEqualTo("usw2-az2");
        assertThat(node.region()).hasValue("us-west-2");
    }

    @ParameterizedTest
    @CsvSource({
        "us-east-1a, us-east-1",
        "us-east-1-bos-1a, us-east-1",
        "eu-central-2c, eu-central-2",
        "ap-southeast-4a, ap-southeast-4",
        "us-gov-west-1a, us-gov-west-1"
    })
    void regionOfAZone(String zone, String region) {
        assertThat(new NodeFacts("n", "t", zone, null, CapacityType.SPOT, Requests.NONE).region())
                .hasValue(region);
    }
}
