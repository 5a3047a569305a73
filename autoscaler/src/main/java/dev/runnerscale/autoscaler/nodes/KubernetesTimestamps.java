package dev.runnerscale.autoscaler.nodes;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The timestamps the API server, the scheduler and the kubelet write on objects (RFC 3339, {@code Time} in seconds,
 * {@code MicroTime} in microseconds, our own annotations in {@link Instant#toString()} form), read the one way every
 * adapter reads them: absent, blank or unreadable is no instant, never an exception in the middle of a pass.
 */
public final class KubernetesTimestamps {

    private KubernetesTimestamps() {}

    /** The instant written, or null when there is none or it cannot be read (offsets are accepted). */
    public static Instant parse(String timestamp) {
        if (timestamp == null || timestamp.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
