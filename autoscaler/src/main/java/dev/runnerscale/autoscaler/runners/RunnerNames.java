package dev.runnerscale.autoscaler.runners;

import java.security.SecureRandom;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The identity of the GitHub runners this installation registers: {@code <prefix><pool>-<slot>-<5 random>}. A name is
 * ours and belongs to a pool only when it parses exactly: the slot (digits) and the random part (five of
 * {@code [a-z0-9]}) are the last two dash-separated parts, so everything between the prefix and them is the pool,
 * whatever dashes and digits the pool's name holds. {@code rs-linux-x64-large-0-k2j9d} is the pool
 * {@code linux-x64-large}, never {@code linux-x64}: no rule here compares prefixes of names.
 */
public final class RunnerNames {

    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final Pattern SHAPE =
            Pattern.compile("(?<pool>[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)-(?<slot>[0-9]{1,4})-[a-z0-9]{5}");

    private final String prefix;
    private final SecureRandom random = new SecureRandom();

    public RunnerNames(String prefix) {
        this.prefix = prefix;
    }

    /** Which pool and slot a runner name of ours stands for. */
    public record Parsed(String pool, int slot) {}

    /** A fresh name for a registration of the pool's slot: unique per registration. */
    public String next(String pool, int slot) {
        StringBuilder suffix = new StringBuilder(5);
        for (int i = 0; i < 5; i++) {
            suffix.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return prefix + pool + "-" + slot + "-" + suffix;
    }

    /** The pool and slot of a runner name of ours; empty for any other name (static runners, other installations). */
    public Optional<Parsed> parse(String runnerName) {
        if (runnerName == null || !runnerName.startsWith(prefix)) {
            return Optional.empty();
        }
        Matcher m = SHAPE.matcher(runnerName.substring(prefix.length()));
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Parsed(m.group("pool"), Integer.parseInt(m.group("slot"))));
    }

    /** Whether the name is one of ours for exactly this pool. */
    public boolean belongsTo(String runnerName, String pool) {
        return parse(runnerName).map(p -> p.pool().equals(pool)).orElse(false);
    }
}
