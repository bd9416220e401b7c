package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * {@link DescriptorLimitTest}'s shortage on the packaged jar, as deployed (failsafe runs it after package): out of
 * descriptors, the loop pauses accepting without spinning, answers every connection as others close, logs once
 * per interval, and counts the failures on /metrics.
 */
class DescriptorLimitIT {

    @Test
    void runningOutOfDescriptorsPausesAcceptingWithoutSpinning() throws Exception {
        String log = DescriptorLimitTest.serveThroughAShortage(List.of("-jar",
                ArtifactIT.serverJar().toString()), true);
        assertThat(log).doesNotContain("Exception");
    }
}
