package dev.runnerscale.chartchecks.support;

import java.util.Arrays;
import java.util.Optional;

/**
 * A Kubernetes API request as the authorizer sees it: API group, resource (with subresource), namespace, name and
 * verb, derived from the HTTP method and path the way the API server's request-info resolver does.
 */
public record ApiRequest(String group, String resource, String namespace, String name, String verb) {

    public static Optional<ApiRequest> parse(String method, String pathAndQuery) {
        String path = pathAndQuery.split("\\?", 2)[0];
        String query = pathAndQuery.contains("?") ? pathAndQuery.split("\\?", 2)[1] : "";
        String[] parts =
                Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
        String group;
        int rest;
        if (parts.length >= 3 && parts[0].equals("api")) {
            group = "";
            rest = 2;
        } else if (parts.length >= 4 && parts[0].equals("apis")) {
            group = parts[1];
            rest = 3;
        } else {
            return Optional.empty(); // discovery and other non-resource paths (/version, /api, /apis)
        }
        String[] r = Arrays.copyOfRange(parts, rest, parts.length);
        String namespace = null;
        if (r.length >= 3 && r[0].equals("namespaces")) {
            namespace = r[1];
            r = Arrays.copyOfRange(r, 2, r.length);
        }
        String resource = r[0];
        String name = r.length > 1 ? r[1] : null;
        if (r.length > 2) {
            resource = resource + "/" + r[2];
        }
        boolean watch = query.matches("(^|.*&)watch=(true|1)(&.*|$)");
        String verb = switch (method) {
            case "GET" -> name != null ? "get" : watch ? "watch" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> name != null ? "delete" : "deletecollection";
            default -> method.toLowerCase(java.util.Locale.ROOT);
        };
        return Optional.of(new ApiRequest(group, resource, namespace, name, verb));
    }

    @Override
    public String toString() {
        return verb + " " + (group.isEmpty() ? "" : group + "/") + resource
                + (namespace == null ? " (cluster)" : " in " + namespace) + (name == null ? "" : " " + name);
    }
}
