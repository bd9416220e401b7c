package loopwork.core.guide;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import loopwork.core.Kit;
import loopwork.core.LoopCounter;
import loopwork.core.ManualClient;
import loopwork.core.ManualKit;

import org.junit.jupiter.api.Test;

/**
 * docs/kit.md's example: its code blocks are this package's {@code Counter.java}, region by region, and the
 * protocol they make works, stepped on a {@link ManualKit}.
 */
class KitGuideTest {

    private static final Path GUIDE = Path.of("../docs/kit.md");
    private static final Path SOURCE = Path.of("src/test/java/loopwork/core/guide/Counter.java");

    @Test
    void everyRegionOfTheGuideIsTheCodeThatRuns() throws IOException {
        String guide = Files.readString(GUIDE);
        String source = Files.readString(SOURCE);
        Matcher block = Pattern.compile("<!-- region (\\w+) -->\n```java\n(.*?)```", Pattern.DOTALL).matcher(guide);
        int blocks = 0;
        while (block.find()) {
            String name = block.group(1);
            Matcher region = Pattern.compile("// region " + name + "\n(.*?)// endregion " + name, Pattern.DOTALL)
                    .matcher(source);
            assertThat(region.find()).as("region %s in %s", name, SOURCE).isTrue();
            assertThat(block.group(2)).as("docs/kit.md's region %s, against %s", name, SOURCE)
                    .isEqualTo(region.group(1));
            blocks++;
        }
        assertThat(blocks).isEqualTo(3);
    }

    @Test
    void theGuidesProtocolCountsDumpsSleepsAndCloses() throws IOException {
        try (ManualKit kit = Kit.builder().protocol(new Counter()).acceptThreads(1).workerThreads(2)
                .acceptCapacity(4).outputBufferBytes(256).buildManual()) {
            ManualClient client = kit.connect();
            client.send("INCR a\r\nincr a\r\nINCR b\r\nDUMP 5000\r\nSLEEP 0\r\nfoo\r\n");
            kit.runUntilIdle();
            byte[] all = client.take();
            String head = new String(all, 0, 19, java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(head).isEqualTo(":1\r\n:2\r\n:1\r\n$5000\r\n");
            assertThat(all).hasSize(19 + 5000 + ":0\r\n-ERR\r\n".length());
            assertThat(new String(all, 5019, 10, java.nio.charset.StandardCharsets.US_ASCII))
                    .isEqualTo(":0\r\n-ERR\r\n");
            assertThat(kit.protocolCounters().stream().filter(c -> c.loop().isEventLoop())
                    .mapToLong(LoopCounter::value).sum()).isEqualTo(6);
            kit.advanceMs(Counter.IDLE_MS);
            assertThat(client.isClosedByServer()).as("idle").isTrue();

            ManualClient quitting = kit.connect();
            quitting.send("QUIT\r\n");
            kit.runUntilIdle();
            assertThat(quitting.isClosedByServer()).isTrue();
            assertThat(kit.poolsFull()).isTrue();
        }
    }
}
