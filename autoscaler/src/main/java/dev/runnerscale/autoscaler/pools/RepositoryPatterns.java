package dev.runnerscale.autoscaler.pools;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Allow-lists of repositories as globs, case-insensitive like GitHub's names: {@code *} is any run of characters
 * except {@code /}, {@code ?} one such character, the rest literal. A pattern with a {@code /} is matched against
 * {@code owner/name}, one without against the name alone.
 */
public final class RepositoryPatterns {

    private record Entry(Pattern pattern, boolean qualified) {}

    private final List<Entry> entries;

    private RepositoryPatterns(List<String> globs) {
        this.entries =
                globs.stream().map(g -> new Entry(glob(g), g.contains("/"))).toList();
    }

    public static RepositoryPatterns of(List<String> globs) {
        return new RepositoryPatterns(globs);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Whether {@code owner/repository} is on the list. */
    public boolean matches(String owner, String repository) {
        String fullName = owner + "/" + repository;
        return entries.stream()
                .anyMatch(e -> e.pattern()
                        .matcher(e.qualified() ? fullName : repository)
                        .matches());
    }

    /** One glob as a regular expression over a single name or {@code owner/name}. */
    public static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.trim().toLowerCase(Locale.ROOT).toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? "[^/]*" : "[^/]");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }
}
