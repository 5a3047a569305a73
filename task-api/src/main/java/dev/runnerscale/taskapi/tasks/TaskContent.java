package dev.runnerscale.taskapi.tasks;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The client-controlled content of a task, i.e. what a create or replace writes. Its SHA-256 over a canonical,
 * length-prefixed encoding orders two different writes with the same client timestamp: the larger hash wins.
 */
record TaskContent(
        String title,
        @Nullable String description,
        TaskStatus status,
        TaskPriority priority,
        @Nullable Instant dueAt) {

    /** The hash a delete carries: above every SHA-256 a content can have, so a delete wins a timestamp tie. */
    static final byte[] DELETE_HASH = filled((byte) 0xFF);

    byte[] hash() {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required on every Java platform", e);
        }
        field(digest, "v1");
        field(digest, title);
        field(digest, description);
        field(digest, status.value());
        field(digest, priority.value());
        field(digest, dueAt == null ? null : dueAt.toString());
        byte[] hash = digest.digest();
        // Astronomically unlikely, but the delete marker must stay strictly the largest value.
        return Arrays.equals(hash, DELETE_HASH) ? Arrays.copyOf(hash, hash.length - 1) : hash;
    }

    private static void field(MessageDigest digest, @Nullable String value) {
        if (value == null) {
            digest.update(ByteBuffer.allocate(4).putInt(-1).array());
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        digest.update(bytes);
    }

    private static byte[] filled(byte value) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, value);
        return bytes;
    }
}
