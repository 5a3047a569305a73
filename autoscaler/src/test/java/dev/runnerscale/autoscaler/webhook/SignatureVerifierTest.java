package dev.runnerscale.autoscaler.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class SignatureVerifierTest {

    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.UTF_8);
    /** GitHub's documented test vector ("Validating webhook deliveries"). */
    private static final String GITHUB_VECTOR =
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    @Test
    void acceptsGitHubsDocumentedTestVector() {
        SignatureVerifier verifier = new SignatureVerifier(List.of("It's a Secret to Everybody"));
        assertThat(verifier.isValid(GITHUB_VECTOR, HELLO, HELLO.length)).isTrue();
        assertThat(SignatureVerifier.sign("It's a Secret to Everybody", HELLO)).isEqualTo(GITHUB_VECTOR);
    }

    @Test
    void acceptsASignatureUnderAnyConfiguredSecretDuringARotation() {
        SignatureVerifier verifier = new SignatureVerifier(List.of("new-secret", "It's a Secret to Everybody"));
        assertThat(verifier.isValid(GITHUB_VECTOR, HELLO, HELLO.length)).isTrue();
        assertThat(verifier.isValid(SignatureVerifier.sign("new-secret", HELLO), HELLO, HELLO.length))
                .isTrue();
    }

    @Test
    void rejectsTheRightSignatureOfAnotherBodyOrUnderAnotherSecret() {
        SignatureVerifier verifier = new SignatureVerifier(List.of("It's a Secret to Everybody"));
        byte[] other = "Hello, World?".getBytes(StandardCharsets.UTF_8);
        assertThat(verifier.isValid(GITHUB_VECTOR, other, other.length)).isFalse();
        assertThat(verifier.isValid(GITHUB_VECTOR, HELLO, HELLO.length - 1)).isFalse();
        assertThat(verifier.isValid(SignatureVerifier.sign("another", HELLO), HELLO, HELLO.length))
                .isFalse();
    }

    @Test
    void acceptsUpperCaseHexLikeAnyHexDecoder() {
        SignatureVerifier verifier = new SignatureVerifier(List.of("It's a Secret to Everybody"));
        String upper = "sha256=" + GITHUB_VECTOR.substring(7).toUpperCase();
        assertThat(verifier.isValid(upper, HELLO, HELLO.length)).isTrue();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                "sha256=",
                "sha1=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
                "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
                "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1",
                "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e177",
                "sha256=z57107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
                " sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1"
            })
    void rejectsMalformedHeaders(String header) {
        SignatureVerifier verifier = new SignatureVerifier(List.of("It's a Secret to Everybody"));
        assertThat(verifier.isValid(header, HELLO, HELLO.length)).isFalse();
    }

    @Test
    void refusesToWorkWithoutASecret() {
        assertThatThrownBy(() -> new SignatureVerifier(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
