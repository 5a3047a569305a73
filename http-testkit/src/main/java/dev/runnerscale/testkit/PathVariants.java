package dev.runnerscale.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Spellings of one path that a server might route, normalise or decode differently from what a security check sees:
 * the tricks of path-confusion bypasses ({@code ;} parameters, percent-encoding, {@code ..}, {@code //}, backslashes,
 * overlong UTF-8, NUL, case). Every variant is a raw request target, to be sent byte for byte ({@link RawHttp}).
 */
public final class PathVariants {

    /** One spelling and what it tries. */
    public record Variant(String trick, String target) {}

    private PathVariants() {}

    /** At least 30 variants of {@code path} (absolute, {@code /}-separated, no query). */
    public static List<Variant> of(String path) {
        String[] segments = path.substring(1).split("/");
        List<Variant> variants = new ArrayList<>();
        for (int i = 0; i < segments.length; i++) {
            variants.add(new Variant(";param in segment " + i, join(segments, i, segments[i] + ";x=1")));
        }
        variants.add(new Variant(";jsessionid", path + ";jsessionid=0123456789ABCDEF"));
        variants.add(new Variant("empty ;", join(segments, 0, segments[0] + ";")));
        for (int i = 1; i < path.length(); i++) {
            char c = path.charAt(i);
            if (Character.isLetter(c)) {
                variants.add(new Variant(
                        "percent-encoded '" + c + "' at " + i,
                        path.substring(0, i) + encode(c, false) + path.substring(i + 1)));
            }
        }
        variants.add(new Variant(
                "percent-encoded, upper-case hex", "/" + encode(segments[0].charAt(0), true) + path.substring(2)));
        StringBuilder all = new StringBuilder();
        for (char c : path.toCharArray()) {
            all.append(c == '/' ? "/" : encode(c, false));
        }
        variants.add(new Variant("every character percent-encoded", all.toString()));
        variants.add(new Variant("double percent-encoding", "/%25" + hex(segments[0].charAt(0)) + path.substring(2)));
        variants.add(new Variant("%u encoding", "/%u00" + hex(segments[0].charAt(0)) + path.substring(2)));
        for (int i = 1; i < segments.length; i++) {
            variants.add(new Variant("%2F for separator " + i, joinWith(segments, i, "%2F")));
            variants.add(new Variant("%2f for separator " + i, joinWith(segments, i, "%2f")));
            variants.add(new Variant("%5C for separator " + i, joinWith(segments, i, "%5C")));
            variants.add(new Variant("// at separator " + i, joinWith(segments, i, "//")));
            variants.add(new Variant("/./ at separator " + i, joinWith(segments, i, "/./")));
            variants.add(new Variant("%252F for separator " + i, joinWith(segments, i, "%252F")));
            variants.add(new Variant("overlong UTF-8 '/' for separator " + i, joinWith(segments, i, "%C0%AF")));
        }
        variants.add(new Variant("raw backslash", "\\" + path.substring(1)));
        variants.add(new Variant("leading //", "/" + path));
        variants.add(new Variant("trailing /", path + "/"));
        variants.add(new Variant("trailing //", path + "//"));
        variants.add(new Variant("trailing /.", path + "/."));
        variants.add(new Variant("trailing %2e", path + "/%2e"));
        variants.add(new Variant("leading /./", "/." + path));
        variants.add(new Variant("%2e%2e traversal", "/elsewhere/%2e%2e" + path));
        variants.add(new Variant("%2E%2E traversal", "/elsewhere/%2E%2E" + path));
        variants.add(new Variant("mixed .%2e traversal", "/elsewhere/.%2e" + path));
        variants.add(new Variant("%2e%2e%2f traversal", "/elsewhere/%2e%2e%2f" + path.substring(1)));
        variants.add(new Variant("raw .. traversal", "/elsewhere/.." + path));
        variants.add(new Variant("..;/ traversal", "/elsewhere/..;" + path));
        variants.add(new Variant("..;/ traversal in the route", "/" + segments[0] + "/..;" + path));
        variants.add(new Variant("overlong UTF-8 .. traversal", "/elsewhere/%C0%AE%C0%AE" + path));
        variants.add(new Variant("upper case", path.toUpperCase(Locale.ROOT)));
        variants.add(new Variant(
                "capitalised first segment", "/" + Character.toUpperCase(segments[0].charAt(0)) + path.substring(2)));
        variants.add(new Variant("NUL at the end", path + "%00"));
        variants.add(new Variant("NUL in the first segment", join(segments, 0, segments[0] + "%00")));
        variants.add(new Variant("overlong UTF-8 letter", "/" + overlong(segments[0].charAt(0)) + path.substring(2)));
        variants.add(
                new Variant("invalid UTF-8", "/" + segments[0] + "%FF" + path.substring(1 + segments[0].length())));
        variants.add(new Variant(
                "fullwidth letter",
                "/%EF%BD%" + hex((char) (0x80 + segments[0].charAt(0) - 'a' + 1)) + path.substring(2)));
        variants.add(new Variant("trailing encoded space", path + "%20"));
        variants.add(new Variant("trailing encoded tab", path + "%09"));
        variants.add(new Variant("encoded CR LF", path + "%0d%0a"));
        variants.add(new Variant("absolute-form target", "http://localhost" + path));
        variants.add(new Variant("fragment", path + "#fragment"));
        variants.add(new Variant(
                "encoding and ;param together",
                "/" + encode(segments[0].charAt(0), false) + segments[0].substring(1) + ";x"
                        + path.substring(1 + segments[0].length())));
        return List.copyOf(variants);
    }

    /**
     * {@code path} with query strings that cannot be decoded (invalid or overlong UTF-8, broken escapes) or that
     * decode to control characters: whoever sends them, with the right credentials too, gets a 400 problem detail
     * (Tomcat's parameter parsing fails on them; that once surfaced as a 500).
     */
    public static List<Variant> undecodableQueries(String path) {
        return List.of(
                new Variant("NUL and invalid UTF-8 as a parameter", path + "?%00%ff"),
                new Variant("invalid UTF-8 value", path + "?a=%ff"),
                new Variant("invalid UTF-8 name", path + "?%ff=1"),
                new Variant("invalid UTF-8 after a valid parameter", path + "?limit=10&b=%fe"),
                new Variant("lone continuation byte", path + "?a=%80"),
                new Variant("truncated multi-byte sequence", path + "?a=%E2%82"),
                new Variant("overlong UTF-8 value", path + "?a=%C0%AE"),
                new Variant("UTF-8 encoded surrogate", path + "?a=%ED%A0%80"),
                new Variant("truncated escape", path + "?a=%"),
                new Variant("truncated escape in a name", path + "?%4=1"),
                new Variant("non-hex escape", path + "?a=%zz"),
                new Variant("%u escape", path + "?a=%u0061"),
                new Variant("NUL value", path + "?a=%00"),
                new Variant("control character in a name", path + "?%01=1"),
                new Variant("encoded CR LF value", path + "?a=%0d%0a"));
    }

    private static String join(String[] segments, int replaced, String replacement) {
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < segments.length; i++) {
            path.append('/').append(i == replaced ? replacement : segments[i]);
        }
        return path.toString();
    }

    /** The path with the separator before segment {@code at} replaced. */
    private static String joinWith(String[] segments, int at, String separator) {
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < segments.length; i++) {
            path.append(i == at ? separator : "/").append(segments[i]);
        }
        return path.toString();
    }

    private static String encode(char c, boolean upperCaseHex) {
        String hex = hex(c);
        return "%" + (upperCaseHex ? hex.toUpperCase(Locale.ROOT) : hex);
    }

    private static String hex(char c) {
        return String.format("%02x", (int) c);
    }

    /** The two-byte overlong UTF-8 form of an ASCII character (invalid UTF-8 that naive decoders accept). */
    private static String overlong(char c) {
        return String.format("%%%02X%%%02X", 0xC0 | (c >> 6), 0x80 | (c & 0x3F));
    }
}
