package loopwork.http;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Each limit is checked where it is made, so the kit's users get the server's ranges and messages. */
class HttpLimitsTest {

    @Test
    void eachLimitOutOfItsRangeIsRefusedByName() {
        assertThatThrownBy(() -> new HttpLimits(15, 0, 100, 100, 100)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxTargetBytes must be in 16..65536, got 15");
        assertThatThrownBy(() -> new HttpLimits(16, -1, 100, 100, 100)).hasMessageContaining("maxBodyBytes");
        assertThatThrownBy(() -> new HttpLimits(16, (1L << 30) + 1, 100, 100, 100))
                .hasMessageContaining("maxBodyBytes must be in 0..1073741824");
        assertThatThrownBy(() -> new HttpLimits(16, 0, 99, 100, 100)).hasMessageContaining("headerTimeoutMs");
        assertThatThrownBy(() -> new HttpLimits(16, 0, 100, 86_400_001, 100)).hasMessageContaining("idleTimeoutMs");
        assertThatThrownBy(() -> new HttpLimits(16, 0, 100, 100, 3_600_001)).hasMessageContaining("writeTimeoutMs");
    }

    @Test
    void theEdgesOfEachRangeAreAllowed() {
        assertThatCode(() -> new HttpLimits(16, 0, 100, 100, 100)).doesNotThrowAnyException();
        assertThatCode(() -> new HttpLimits(65_536, 1L << 30, 3_600_000, 86_400_000, 3_600_000))
                .doesNotThrowAnyException();
    }
}
