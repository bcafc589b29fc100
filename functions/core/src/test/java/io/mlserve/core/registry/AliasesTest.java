package io.mlserve.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AliasesTest {
    @Test
    void choose_shouldServeProductionOnly_whenNoCanaryWeight() {
        var aliases = new Aliases("1", "2", 0, null, 3, null);

        for (int i = 0; i < 100; i++) {
            assertThat(aliases.choose("caller-" + i, i)).isEqualTo("1");
        }
    }

    @Test
    void choose_shouldBeStickyPerCaller_andSplitNearTheWeight() {
        var aliases = new Aliases("1", "2", 30, null, 3, null);
        int canary = 0;
        for (int i = 0; i < 10_000; i++) {
            var first = aliases.choose("caller-" + i, 0);
            assertThat(aliases.choose("caller-" + i, 99)).isEqualTo(first);
            canary += first.equals("2") ? 1 : 0;
        }
        assertThat(canary).isBetween(2_800, 3_200);
    }

    @Test
    void choose_shouldUseTheRandomDraw_whenNoCallerKey() {
        var aliases = new Aliases("1", "2", 30, null, 3, null);

        assertThat(aliases.choose(null, 29)).isEqualTo("2");
        assertThat(aliases.choose(null, 30)).isEqualTo("1");
        assertThat(Aliases.NONE.choose(null, 0)).isNull();
    }
}
