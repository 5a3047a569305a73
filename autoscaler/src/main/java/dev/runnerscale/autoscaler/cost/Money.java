package dev.runnerscale.autoscaler.cost;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * US dollars, exactly. Money is a {@link BigDecimal}; no floating point ever holds or sums it.
 *
 * <p>Rounding happens at two defined points only: (1) the one division of a cost computation (price × time ×
 * share) is carried at {@link #WORK_SCALE} decimals, and (2) each stored amount (a runner's total, its running
 * part, an idle period of a node) is rounded once to {@link #SCALE} decimals (1/10,000 of a cent), half-even.
 * Totals are sums of stored amounts, so they are exact and a report's total equals the sum of its rows.
 */
public final class Money {

    /** Stored and reported decimals: 6, i.e. one millionth of a dollar (1/10,000 of a cent). */
    public static final int SCALE = 6;

    /** Decimals carried through the one division of a computation before the stored amount is rounded. */
    static final int WORK_SCALE = 18;

    public static final RoundingMode ROUNDING = RoundingMode.HALF_EVEN;

    public static final BigDecimal ZERO = BigDecimal.ZERO.setScale(SCALE);

    private Money() {}

    /** Rounds an exact amount to the stored scale (the second rounding point). */
    public static BigDecimal usd(BigDecimal exact) {
        return exact.setScale(SCALE, ROUNDING);
    }

    /** A configured or shipped amount, for example {@code "0.096"}; refuses negative amounts. */
    public static BigDecimal parse(String text) {
        BigDecimal value = new BigDecimal(text.trim());
        if (value.signum() < 0) {
            throw new IllegalArgumentException("a price cannot be negative: " + text);
        }
        return value;
    }

    /** The decimal string money is shown as in answers and CSV: the stored scale, never an exponent. */
    public static String format(BigDecimal usd) {
        return usd(usd).toPlainString();
    }
}
