package dev.runnerscale.autoscaler.github;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.web.util.UriComponentsBuilder;

/** GitHub's pagination {@code Link} header ({@code <url>; rel="next"}). */
final class LinkHeader {

    private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"next\"");

    private LinkHeader() {}

    static Optional<URI> next(HttpHeaders headers) {
        String link = headers.getFirst(HttpHeaders.LINK);
        if (link == null) {
            return Optional.empty();
        }
        Matcher m = NEXT.matcher(link);
        return m.find() ? Optional.of(URI.create(m.group(1))) : Optional.empty();
    }

    static boolean hasNext(HttpHeaders headers) {
        return next(headers).isPresent();
    }

    /** A query parameter of the next page's URL, e.g. the delivery {@code cursor}. */
    static Optional<String> nextQueryParam(HttpHeaders headers, String name) {
        return next(headers)
                .map(uri -> UriComponentsBuilder.fromUri(uri)
                        .build()
                        .getQueryParams()
                        .getFirst(name));
    }
}
