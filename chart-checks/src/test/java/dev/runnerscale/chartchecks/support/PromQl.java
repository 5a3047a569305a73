package dev.runnerscale.chartchecks.support;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Small helpers around PromQL text: Grafana's variables filled in, and the metric names an expression reads. */
public final class PromQl {

    private static final Set<String> KEYWORDS = Set.of(
            "and",
            "or",
            "unless",
            "by",
            "without",
            "on",
            "ignoring",
            "group_left",
            "group_right",
            "offset",
            "bool",
            "inf",
            "nan",
            "atan2");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private PromQl() {}

    /** Grafana's built-in and dashboard variables, as Grafana would send them for a recent range. */
    public static String withGrafanaVariables(String expr) {
        return expr.replace("$__rate_interval", "1m")
                .replace("$__interval", "15s")
                .replace("$__range", "1h")
                .replace("${pool}", ".*")
                .replace("$pool", ".*");
    }

    /** The metric names an expression selects (not functions, keywords, labels or durations). */
    public static Set<String> metricNames(String expr) {
        String text = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(text);
        while (m.find()) {
            String token = m.group();
            boolean function = text.substring(m.end()).matches("(?s)\\s*\\(.*");
            boolean number = m.start() > 0 && Character.isDigit(text.charAt(m.start() - 1));
            if (!function && !number && !KEYWORDS.contains(token.toLowerCase(java.util.Locale.ROOT))) {
                names.add(token);
            }
        }
        return names;
    }
}
