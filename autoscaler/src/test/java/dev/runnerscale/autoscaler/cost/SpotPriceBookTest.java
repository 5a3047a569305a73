package dev.runnerscale.autoscaler.cost;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpotPriceBookTest {

    private static PricePoint point(String at, String usd) {
        return new PricePoint("m5.large", "use1-az1", Instant.parse(at), new BigDecimal(usd));
    }

    private final SpotPriceBook book = SpotPriceBook.of(List.of(
            point("2026-03-01T10:00:00Z", "0.0300"),
            point("2026-03-01T12:00:00Z", "0.0350"),
            point("2026-03-01T13:00:00Z", "0.0320")));

    @Test
    void aWindowIsCutIntoOneSegmentPerPriceInEffect() {
        assertThat(book.segments(
                                "m5.large",
                                "use1-az1",
                                Instant.parse("2026-03-01T11:00:00Z"),
                                Instant.parse("2026-03-01T14:00:00Z"))
                        .orElseThrow())
                .containsExactly(
                        new PriceSegment(
                                Instant.parse("2026-03-01T11:00:00Z"),
                                Instant.parse("2026-03-01T12:00:00Z"),
                                new BigDecimal("0.0300")),
                        new PriceSegment(
                                Instant.parse("2026-03-01T12:00:00Z"),
                                Instant.parse("2026-03-01T13:00:00Z"),
                                new BigDecimal("0.0350")),
                        new PriceSegment(
                                Instant.parse("2026-03-01T13:00:00Z"),
                                Instant.parse("2026-03-01T14:00:00Z"),
                                new BigDecimal("0.0320")));
    }

    @Test
    void beforeTheFirstPointAndUnknownKeysAreUnknown() {
        assertThat(book.segments(
                        "m5.large",
                        "use1-az1",
                        Instant.parse("2026-03-01T09:59:59Z"),
                        Instant.parse("2026-03-01T10:30:00Z")))
                .isEmpty();
        assertThat(book.segments(
                        "m5.large",
                        "use1-az2",
                        Instant.parse("2026-03-01T11:00:00Z"),
                        Instant.parse("2026-03-01T11:30:00Z")))
                .isEmpty();
        assertThat(book.priceAt("m5.large", "use1-az1", Instant.parse("2026-03-01T09:00:00Z")))
                .isEmpty();
    }

    @Test
    void pruningKeepsThePriceInEffectAtTheCutoff() {
        SpotPriceBook pruned = book.prunedBefore(Instant.parse("2026-03-01T12:30:00Z"));
        assertThat(pruned.size()).isEqualTo(2);
        assertThat(pruned.priceAt("m5.large", "use1-az1", Instant.parse("2026-03-01T12:30:00Z")))
                .hasValue(new BigDecimal("0.0350"));
        assertThat(pruned.priceAt("m5.large", "use1-az1", Instant.parse("2026-03-01T11:00:00Z")))
                .isEmpty();
    }

    @Test
    void aRefreshAddsPointsWithoutChangingTheOldBook() {
        SpotPriceBook next = book.with(List.of(point("2026-03-01T15:00:00Z", "0.0400")));
        assertThat(next.size()).isEqualTo(4);
        assertThat(book.size()).isEqualTo(3);
    }
}
