package io.mlserve.core.access;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyHashTest {

    @Test
    void of_shouldBeLowercaseHexSha256_ofTheUtf8Bytes() {
        // sha256("abc") from FIPS 180-2, appendix B.1
        assertThat(KeyHash.of("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(KeyHash.of("x")).hasSize(64).matches("[0-9a-f]{64}");
    }

    @Test
    void prefix_shouldKeepEightCharacters() {
        assertThat(KeyHash.prefix(KeyHash.of("abc"))).isEqualTo("ba7816bf");
    }
}
