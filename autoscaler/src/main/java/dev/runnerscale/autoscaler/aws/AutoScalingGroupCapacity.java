package dev.runnerscale.autoscaler.aws;

import dev.runnerscale.autoscaler.capacity.CapacityPolicy;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.Activity;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.Instance;

/**
 * The {@code auto-scaling-group} provider's calls to AWS Auto Scaling, each through the {@code aws-autoscaling}
 * circuit breaker with the SDK's retry inside: describe the pool's groups and recent scaling activities, set a
 * group's desired capacity (scale-out), terminate one instance with a decrement (scale-in), and set instance
 * protection.
 */
public class AutoScalingGroupCapacity {

    private static final Logger log = LoggerFactory.getLogger(AutoScalingGroupCapacity.class);

    /** What the pass knows of the node behind an instance. */
    public record NodeUse(String nodeName, int runnerPods, boolean hostsBusyRunner, boolean cordoned) {}

    private final AutoScalingClient client;
    private final CircuitBreaker breaker;

    public AutoScalingGroupCapacity(AutoScalingClient client, CircuitBreaker breaker) {
        this.client = client;
        this.breaker = breaker;
    }

    /** The group, joined with what the pass knows of its instances' nodes (by instance id), or empty if unknown. */
    public Optional<CapacityPolicy.Group> describe(String groupName, Map<String, NodeUse> nodesByInstanceId) {
        List<AutoScalingGroup> groups = AwsClients.call(
                breaker,
                () -> client
                        .describeAutoScalingGroupsPaginator(r -> r.autoScalingGroupNames(groupName))
                        .autoScalingGroups()
                        .stream()
                        .toList());
        return groups.stream().findFirst().map(g -> {
            List<CapacityPolicy.GroupInstance> instances = new ArrayList<>();
            for (Instance i : g.instances()) {
                NodeUse use = nodesByInstanceId.get(i.instanceId());
                instances.add(new CapacityPolicy.GroupInstance(
                        i.instanceId(),
                        use == null ? null : use.nodeName(),
                        i.lifecycleStateAsString(),
                        Boolean.TRUE.equals(i.protectedFromScaleIn()),
                        use == null ? 0 : use.runnerPods(),
                        use != null && use.hostsBusyRunner(),
                        use != null && use.cordoned()));
            }
            return new CapacityPolicy.Group(
                    g.autoScalingGroupName(), g.minSize(), g.maxSize(), g.desiredCapacity(), instances);
        });
    }

    /** True when a scaling activity of the group that started at or after {@code since} failed for lack of spot. */
    public boolean spotShortageSince(String groupName, Instant since) {
        List<Activity> activities = AwsClients.call(
                breaker,
                () -> client.describeScalingActivities(
                                r -> r.autoScalingGroupName(groupName).maxRecords(20))
                        .activities());
        return activities.stream()
                .filter(a -> a.startTime() == null || !a.startTime().isBefore(since))
                .anyMatch(a -> CapacityPolicy.isSpotShortage(a.statusCodeAsString(), a.statusMessage()));
    }

    public void setDesired(String groupName, int desired) {
        AwsClients.call(
                breaker,
                () -> client.setDesiredCapacity(r -> r.autoScalingGroupName(groupName)
                        .desiredCapacity(desired)
                        .honorCooldown(false)));
        log.info("group {}: desired capacity {}", groupName, desired);
    }

    public void terminate(String instanceId) {
        AwsClients.call(
                breaker,
                () -> client.terminateInstanceInAutoScalingGroup(
                        r -> r.instanceId(instanceId).shouldDecrementDesiredCapacity(true)));
        log.info("instance {} terminated with a decrement of its group's desired capacity", instanceId);
    }

    public void protect(String groupName, List<String> instanceIds, boolean protect) {
        AwsClients.call(
                breaker,
                () -> client.setInstanceProtection(r -> r.autoScalingGroupName(groupName)
                        .instanceIds(instanceIds)
                        .protectedFromScaleIn(protect)));
    }
}
