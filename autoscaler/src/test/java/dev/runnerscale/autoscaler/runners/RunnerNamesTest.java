package dev.runnerscale.autoscaler.runners;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A runner name says exactly which pool it belongs to, whatever dashes and digits pool names hold. */
class RunnerNamesTest {

    private final RunnerNames names = new RunnerNames("rs-");

    @ParameterizedTest(name = "{0} -> {1} slot {2}")
    @CsvSource(
            nullValues = "NONE",
            value = {
                "rs-linux-x64-0-k2j9d,        linux-x64,        0",
                "rs-linux-x64-large-0-k2j9d,  linux-x64-large,  0",
                "rs-linux-x64-large-12-aaaaa, linux-x64-large,  12",
                "rs-a-1-2-abcde,              a-1,              2",
                "rs-a-1-2-0-abcde,            a-1-2,            0",
                "rs-linux-x64-k2j9d,          NONE,             0",
                "rs-linux-x64-0-K2J9D,        NONE,             0",
                "rs-linux-x64-0-k2j9,         NONE,             0",
                "rs-linux-x64-x-k2j9d,        NONE,             0",
                "runner-42,                   NONE,             0",
                "other-linux-x64-0-k2j9d,     NONE,             0",
                "GitHub Actions 5,            NONE,             0"
            })
    void parsesThePoolFromTheRightSoAPrefixOfAnotherPoolsNameNeverMatches(String name, String pool, int slot) {
        if (pool == null) {
            assertThat(names.parse(name)).isEmpty();
        } else {
            assertThat(names.parse(name)).contains(new RunnerNames.Parsed(pool, slot));
        }
    }

    @Test
    void aPoolsRunnersAreNeverAnotherPoolsWhoseNameItPrefixes() {
        String large = names.next("linux-x64-large", 0);

        assertThat(names.belongsTo(large, "linux-x64-large")).isTrue();
        assertThat(names.belongsTo(large, "linux-x64")).isFalse();
        assertThat(large).startsWith("rs-linux-x64-"); // the prefix check of old would have claimed it
    }

    @Test
    void everyRegistrationGetsAFreshName() {
        assertThat(names.next("linux-x64", 3))
                .isNotEqualTo(names.next("linux-x64", 3))
                .matches("rs-linux-x64-3-[a-z0-9]{5}");
    }
}
