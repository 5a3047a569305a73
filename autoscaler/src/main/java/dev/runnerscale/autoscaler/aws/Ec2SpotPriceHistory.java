package dev.runnerscale.autoscaler.aws;

import dev.runnerscale.autoscaler.cost.Money;
import dev.runnerscale.autoscaler.cost.PricePoint;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeSpotPriceHistoryRequest;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.SpotPrice;

/**
 * Spot prices from EC2 ({@code DescribeSpotPriceHistory}, {@code Linux/UNIX}, paged with the SDK's paginator) for
 * the instance types and zones the pools' nodes use. Each price is recorded under the zone's name and, when EC2
 * gives it, its zone id. The whole paged read is one call through the {@code aws-ec2} circuit breaker; each page is
 * retried by the SDK alone.
 */
public final class Ec2SpotPriceHistory implements SpotPriceSource {

    static final String PRODUCT = "Linux/UNIX";

    private final Ec2Client ec2;
    private final CircuitBreaker breaker;

    public Ec2SpotPriceHistory(Ec2Client ec2, CircuitBreaker breaker) {
        this.ec2 = ec2;
        this.breaker = breaker;
    }

    @Override
    public String name() {
        return "ec2";
    }

    @Override
    public List<PricePoint> fetch(Set<String> instanceTypes, Set<String> zones, Instant since) {
        if (instanceTypes.isEmpty()) {
            return List.of();
        }
        DescribeSpotPriceHistoryRequest.Builder request = DescribeSpotPriceHistoryRequest.builder()
                .instanceTypesWithStrings(instanceTypes.stream().sorted().toList())
                .productDescriptions(PRODUCT)
                .startTime(since);
        if (!zones.isEmpty()) {
            request.filters(Filter.builder()
                    .name("availability-zone")
                    .values(zones.stream().sorted().toList())
                    .build());
        }
        return AwsClients.call(breaker, () -> {
            List<PricePoint> out = new ArrayList<>();
            for (SpotPrice p :
                    ec2.describeSpotPriceHistoryPaginator(request.build()).spotPriceHistory()) {
                if (p.spotPrice() == null || p.timestamp() == null || p.instanceTypeAsString() == null) {
                    continue;
                }
                var usd = Money.parse(p.spotPrice());
                if (p.availabilityZone() != null) {
                    out.add(new PricePoint(p.instanceTypeAsString(), p.availabilityZone(), p.timestamp(), usd));
                }
                if (p.availabilityZoneId() != null) {
                    out.add(new PricePoint(p.instanceTypeAsString(), p.availabilityZoneId(), p.timestamp(), usd));
                }
            }
            return out;
        });
    }
}
