package dev.runnerscale.autoscaler.cost;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One spot price change as EC2's price history reports it: from {@code at} on, the price is {@code usdPerHour}
 * until the next point of the same instance type and zone.
 *
 * @param zone zone id ({@code use1-az4}) or zone name ({@code us-east-1a}): the book looks a node up by both
 */
public record PricePoint(String instanceType, String zone, Instant at, BigDecimal usdPerHour) {

    public PricePoint {
        if (instanceType == null || zone == null || at == null || usdPerHour == null || usdPerHour.signum() < 0) {
            throw new IllegalArgumentException("incomplete price point");
        }
    }
}
