package dev.runnerscale.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * A seeded generator of HTTP requests, well framed but otherwise anything: methods real and made up, paths built
 * from the API's own words mixed with encodings, {@code ;} parameters, dot segments, NUL, overlong and invalid UTF-8,
 * long segments and odd queries; headers with random and non-ASCII values; bodies from valid JSON through broken
 * JSON to random bytes and oversized ones. The same seed gives the same corpus, so a failure can be replayed.
 */
public final class RequestFuzzer {

    /** One request: {@code target} is sent byte for byte (ISO-8859-1). */
    public record Request(String method, String target, List<String[]> headers, byte[] body) {

        /** The path as a client meant it: percent-decoded, without query or {@code ;} parameters. */
        public String decodedPath() {
            String path = target;
            int query = path.indexOf('?');
            if (query >= 0) {
                path = path.substring(0, query);
            }
            return java.net.URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.ISO_8859_1)
                    .replaceAll(";[^/]*", "");
        }

        @Override
        public String toString() {
            return method + " " + shorten(target, 200) + " headers="
                    + headers.stream().map(h -> h[0] + ": " + shorten(h[1], 80)).toList() + " body="
                    + (body == null ? "none" : body.length + " bytes");
        }

        private static String shorten(String value, int length) {
            return value.length() <= length ? value : value.substring(0, length) + "...(" + value.length() + ")";
        }
    }

    private static final String[] METHODS = {
        "GET",
        "GET",
        "GET",
        "POST",
        "POST",
        "PUT",
        "PUT",
        "DELETE",
        "PATCH",
        "HEAD",
        "OPTIONS",
        "TRACE",
        "CONNECT",
        "PROPFIND",
        "FOO",
        "get"
    };
    private static final String[] ODD_SEGMENTS = {
        "",
        ".",
        "..",
        "%2e",
        "%2e%2e",
        "..;",
        ";x",
        "%00",
        "%2F",
        "%5C",
        "%25",
        "%C0%AE",
        "%C0%AF",
        "%FF",
        "%E2%82%AC",
        "%EF%BF%BF",
        "%20",
        "%09",
        "*",
        "~",
        "index.html",
        "%u0061",
        "a%",
        "%zz",
        "\\",
        "..%2f"
    };
    private static final String[] PARAMETER_NAMES = {
        "limit", "cursor", "status", "sort", "direction", "from", "to", "group-by", "pool", "x", "%00", "%ff", "%4"
    };
    /** Values Tomcat cannot decode or the firewall refuses once decoded: always a 400, never a 500. */
    private static final String[] UNDECODABLE = {
        "%ff", "%80", "%C0%AE", "%E2%82", "%ED%A0%80", "%", "a%", "%zz", "%u0061", "%00", "%01", "%0d%0a"
    };

    private static final String[] CONTENT_TYPES = {
        "application/json",
        "application/json",
        "application/json; charset=utf-8",
        "application/json; charset=utf-16",
        "application/json; charset=nonsense",
        "text/plain",
        "application/xml",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "application/problem+json",
        "*/*",
        "application/json;;;",
        "garbage"
    };
    private static final String[] ACCEPTS = {
        "application/json", "*/*", "application/xml", "text/html", "application/problem+json", "image/png", "nonsense"
    };

    private final Random random;
    private final String[] routes;
    private final String[] words;
    private final String[] tokens;
    private final String[] jsonBodies;
    private final String[] extraHeaders;

    /**
     * @param routes the API's own paths ({@code {id}} stands for a random UUID), sent as they are or mutated for about
     *     a third of the requests, so that the application behind the routing is reached too
     * @param words the API's own path segments (other paths are built from them more often than not)
     * @param tokens values for {@code Authorization} besides the malformed ones generated here
     * @param jsonBodies valid bodies of the API, which the fuzzer sends as they are and mutated
     * @param extraHeaders header names the API reads (their values are random)
     */
    public RequestFuzzer(
            long seed, String[] routes, String[] words, String[] tokens, String[] jsonBodies, String[] extraHeaders) {
        this.random = new Random(seed);
        this.routes = routes;
        this.words = words;
        this.tokens = tokens;
        this.jsonBodies = jsonBodies;
        this.extraHeaders = extraHeaders;
    }

    public Request next() {
        String method = pick(METHODS);
        List<String[]> headers = new ArrayList<>();
        int authorization = random.nextInt(8);
        switch (authorization) {
            case 0, 1, 2 -> {}
            case 3 -> headers.add(new String[] {"Authorization", "Bearer " + pick(tokens)});
            case 4 -> headers.add(new String[] {"Authorization", "Bearer " + randomText(1 + random.nextInt(60))});
            case 5 ->
                headers.add(new String[] {"Authorization", pick(new String[] {"Bearer", "Bearer ", "Basic YTpi"})});
            case 6 -> headers.add(new String[] {"Authorization", "bearer " + pick(tokens)});
            default -> {
                headers.add(new String[] {"Authorization", "Bearer " + pick(tokens)});
                headers.add(new String[] {"Authorization", "Bearer " + randomText(20)});
            }
        }
        byte[] body = null;
        if (random.nextInt(3) > 0 || method.equals("POST") || method.equals("PUT")) {
            body = body();
            if (random.nextInt(6) > 0) {
                headers.add(new String[] {"Content-Type", pick(CONTENT_TYPES)});
            }
        }
        if (random.nextInt(3) == 0) {
            headers.add(new String[] {"Accept", pick(ACCEPTS)});
        }
        for (String name : extraHeaders) {
            if (random.nextInt(3) == 0) {
                headers.add(new String[] {name, headerValue()});
            }
        }
        if (random.nextInt(5) == 0) {
            headers.add(new String[] {
                "X-" + randomText(1 + random.nextInt(10)).replaceAll("[^A-Za-z0-9-]", "a"), headerValue()
            });
        }
        return new Request(method, target(), headers, body);
    }

    private String target() {
        StringBuilder path = new StringBuilder();
        if (random.nextInt(3) == 0) {
            path.append(pick(routes).replace("{id}", UUID.randomUUID().toString()));
            if (random.nextInt(4) == 0) {
                path.append(pick(ODD_SEGMENTS));
            }
            return query(path);
        }
        int segments = 1 + random.nextInt(4);
        for (int i = 0; i < segments; i++) {
            path.append('/');
            int kind = random.nextInt(10);
            if (kind < 5) {
                path.append(pick(words));
            } else if (kind < 6) {
                path.append(UUID.randomUUID());
            } else if (kind < 7) {
                path.append(random.nextLong());
            } else if (kind < 9) {
                path.append(pick(ODD_SEGMENTS));
            } else {
                path.append(randomEncoded(1 + random.nextInt(random.nextInt(20) == 0 ? 3000 : 12)));
            }
            if (random.nextInt(12) == 0) {
                path.append(";").append(pick(new String[] {"x", "jsessionid=1", "a=b;c", ""}));
            }
        }
        if (random.nextInt(15) == 0) {
            path.append('/');
        }
        return query(path);
    }

    private String query(StringBuilder path) {
        if (random.nextInt(4) == 0) {
            path.append('?');
            int params = 1 + random.nextInt(3);
            for (int i = 0; i < params; i++) {
                path.append(i == 0 ? "" : "&")
                        .append(pick(PARAMETER_NAMES))
                        .append('=')
                        .append(
                                switch (random.nextInt(4)) {
                                    case 0 -> String.valueOf(random.nextInt(500) - 100);
                                    case 1 -> pick(UNDECODABLE);
                                    default -> randomEncoded(6);
                                });
            }
        }
        return path.toString();
    }

    private byte[] body() {
        int kind = random.nextInt(10);
        String json = pick(jsonBodies);
        return switch (kind) {
            case 0, 1, 2 -> json.getBytes(StandardCharsets.UTF_8);
            case 3 -> json.substring(0, random.nextInt(json.length())).getBytes(StandardCharsets.UTF_8);
            case 4 -> mutate(json).getBytes(StandardCharsets.UTF_8);
            case 5 -> {
                byte[] bytes = new byte[random.nextInt(200)];
                random.nextBytes(bytes);
                yield bytes;
            }
            case 6 -> ("[".repeat(2000) + "]".repeat(2000)).getBytes(StandardCharsets.UTF_8);
            case 7 ->
                ("{\"title\":\"" + "x".repeat(20_000 + random.nextInt(80_000)) + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
            case 8 -> json.getBytes(StandardCharsets.UTF_16);
            default -> new byte[0];
        };
    }

    private String mutate(String json) {
        StringBuilder mutated = new StringBuilder(json);
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits; i++) {
            int at = random.nextInt(mutated.length() + 1);
            String insert = pick(new String[] {
                "\"",
                "{",
                "}",
                "[",
                "]",
                ",",
                ":",
                "null",
                "1e999",
                "-0",
                "\\u0000",
                "\\ud800",
                "\u0000",
                "true",
                "9".repeat(40),
                "\"extra\":1,",
                "\"title\":\"dup\",",
                "'"
            });
            mutated.insert(at, insert);
        }
        return mutated.toString();
    }

    private String headerValue() {
        int kind = random.nextInt(6);
        return switch (kind) {
            case 0 -> "2026-11-21T12:00:00Z";
            case 1 -> String.valueOf(random.nextLong());
            case 2 -> randomText(1 + random.nextInt(40));
            case 3 -> "\u00e9\u00ff\u0085\u0080"; // sent as the bytes E9 FF 85 80 (obs-text)
            case 4 -> "a\tb\u0001c\u007f";
            default -> "x".repeat(1 + random.nextInt(3000));
        };
    }

    private String randomText(int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) (0x21 + random.nextInt(0x5e)));
        }
        return text.toString();
    }

    private String randomEncoded(int length) {
        StringBuilder text = new StringBuilder(length * 3);
        for (int i = 0; i < length; i++) {
            if (random.nextBoolean()) {
                text.append(String.format("%%%02X", random.nextInt(256)));
            } else {
                char c = (char) (0x21 + random.nextInt(0x5e));
                text.append(c == '?' || c == '#' || c == '%' || c == '/' ? 'q' : c);
            }
        }
        return text.toString();
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }
}
