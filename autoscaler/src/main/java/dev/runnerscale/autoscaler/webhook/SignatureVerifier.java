package dev.runnerscale.autoscaler.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies GitHub's {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>} against every configured
 * secret. The comparison is constant-time and every secret is always tried, so timing tells an attacker neither how
 * much of a signature matched nor which secret did.
 */
final class SignatureVerifier {

    private static final String PREFIX = "sha256=";
    private static final int HEX_LENGTH = 64;

    private final List<SecretKeySpec> keys;
    // Mac instances are not thread-safe and costly to create: one set per request thread
    private final ThreadLocal<Mac[]> macs;

    SignatureVerifier(List<String> secrets) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one webhook secret is required");
        }
        this.keys = secrets.stream()
                .map(s -> new SecretKeySpec(s.getBytes(StandardCharsets.UTF_8), "HmacSHA256"))
                .toList();
        this.macs = ThreadLocal.withInitial(this::newMacs);
    }

    /** Whether {@code header} is a valid signature of {@code body} under one of the secrets. */
    boolean isValid(String header, byte[] body, int length) {
        if (header == null || header.length() != PREFIX.length() + HEX_LENGTH || !header.startsWith(PREFIX)) {
            return false;
        }
        byte[] claimed = new byte[HEX_LENGTH / 2];
        for (int i = 0; i < claimed.length; i++) {
            int high = Character.digit(header.charAt(PREFIX.length() + 2 * i), 16);
            int low = Character.digit(header.charAt(PREFIX.length() + 2 * i + 1), 16);
            if (high < 0 || low < 0) {
                return false; // not hex: no secret can have produced it
            }
            claimed[i] = (byte) (high << 4 | low);
        }
        boolean valid = false;
        for (Mac mac : macs.get()) {
            mac.update(body, 0, length);
            valid |= MessageDigest.isEqual(mac.doFinal(), claimed);
        }
        return valid;
    }

    /** The header value GitHub would send for {@code body} signed with {@code secret} (tests, scripts). */
    static String sign(String secret, byte[] body) {
        SignatureVerifier verifier = new SignatureVerifier(List.of(secret));
        Mac mac = verifier.macs.get()[0];
        return PREFIX + HexFormat.of().formatHex(mac.doFinal(body));
    }

    private Mac[] newMacs() {
        Mac[] out = new Mac[keys.size()];
        try {
            for (int i = 0; i < out.length; i++) {
                out[i] = Mac.getInstance("HmacSHA256");
                out[i].init(keys.get(i));
            }
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
        }
        return out;
    }
}
