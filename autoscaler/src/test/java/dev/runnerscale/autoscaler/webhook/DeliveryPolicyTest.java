package dev.runnerscale.autoscaler.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.autoscaler.pools.RepositoryPatterns;
import dev.runnerscale.autoscaler.webhook.DeliveryPolicy.Refusal;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeliveryPolicyTest {

    private static final DeliveryPolicy LISTS =
            new DeliveryPolicy(List.of("acme", "team-*"), List.of("partner/ci-?", "friends/*"), false);
    private static final DeliveryPolicy OPEN = new DeliveryPolicy(List.of(), List.of(), false);
    private static final DeliveryPolicy OPEN_PUBLIC = new DeliveryPolicy(List.of(), List.of(), true);

    @ParameterizedTest(name = "{0}/{1} public={2} -> {3}")
    @CsvSource(
            nullValues = "ADMITTED",
            value = {
                "acme,       app,    false, ADMITTED",
                "ACME,       app,    false, ADMITTED",
                "acme,       app,    true,  PUBLIC_REPOSITORY",
                "team-red,   x,      false, ADMITTED",
                "team,       x,      false, OWNER_NOT_ALLOWED",
                "acme-evil,  x,      false, OWNER_NOT_ALLOWED",
                "partner,    ci-1,   false, ADMITTED",
                "partner,    ci-12,  false, OWNER_NOT_ALLOWED",
                "partner,    other,  false, OWNER_NOT_ALLOWED",
                "friends,    any,    false, ADMITTED",
                "stranger,   app,    false, OWNER_NOT_ALLOWED",
                "stranger,   app,    true,  OWNER_NOT_ALLOWED"
            })
    void allowListsMatchGlobsCaseInsensitively(String owner, String repo, boolean isPublic, Refusal expected) {
        assertThat(LISTS.check(owner, owner + "/" + repo, isPublic)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "empty lists: {0} public={1} -> {2}")
    @CsvSource(
            nullValues = "ADMITTED",
            value = {"anyone, false, ADMITTED", "anyone, true, PUBLIC_REPOSITORY"})
    void emptyAllowListsAdmitEveryOwnerButNotPublicRepositories(String owner, boolean isPublic, Refusal expected) {
        assertThat(OPEN.check(owner, owner + "/r", isPublic)).isEqualTo(expected);
        assertThat(OPEN_PUBLIC.check(owner, owner + "/r", isPublic)).isNull();
    }

    @ParameterizedTest
    @CsvSource({"a.b*, a.bc, true", "a.b*, axbc, false", "a*, a/b, false", "[x], [x], true", "(x), x, false"})
    void globCharactersOtherThanStarAndQuestionMarkAreLiteral(String glob, String name, boolean matches) {
        assertThat(RepositoryPatterns.glob(glob).matcher(name).matches()).isEqualTo(matches);
    }
}
