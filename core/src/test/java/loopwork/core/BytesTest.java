package loopwork.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** {@link Bytes}: each helper against the JDK's own answer, at every offset and length, and allocating nothing. */
class BytesTest {

    @Test
    void indexOfFindsTheFirstAtEveryOffsetInDirectAndHeapBuffers() {
        for (ByteBuffer b : new ByteBuffer[] {ascii("abcdefghijklmnopqrstuvwxyz0123456789"),
            direct("abcdefghijklmnopqrstuvwxyz0123456789")}) {
            for (int from = 0; from < b.limit(); from++) {
                for (int to = from; to <= b.limit(); to++) {
                    for (int target = 0; target < b.limit(); target++) {
                        int expected = target >= from && target < to ? target : -1;
                        assertThat(Bytes.indexOf(b, from, to, b.get(target))).isEqualTo(expected);
                    }
                }
            }
            assertThat(Bytes.indexOf(b, 0, b.limit(), (byte) 0x80)).isEqualTo(-1);
        }
        ByteBuffer high = ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, (byte) 0xFF, (byte) 0x80, 9});
        assertThat(Bytes.indexOf(high, 0, 10, (byte) 0x80)).isEqualTo(8);
        assertThat(Bytes.indexOf(high, 0, 10, (byte) 0xFF)).isEqualTo(7);
    }

    @Test
    void indexOfCrlfSkipsBareCrAndLfAndWaitsForTheLfOfATrailingCr() {
        assertThat(Bytes.indexOfCrlf(ascii("*3\r\n$3\r\n"), 0, 8)).isEqualTo(2);
        assertThat(Bytes.indexOfCrlf(ascii("*3\r\n$3\r\n"), 3, 8)).isEqualTo(6);
        assertThat(Bytes.indexOfCrlf(ascii("a\rb\nc\r\n"), 0, 7)).isEqualTo(5);
        assertThat(Bytes.indexOfCrlf(ascii("abc\r"), 0, 4)).isEqualTo(-1);
        assertThat(Bytes.indexOfCrlf(ascii("\n\r\n"), 0, 3)).isEqualTo(1);
        assertThat(Bytes.indexOfCrlf(ascii("\r\n"), 1, 2)).as("the CR is before the region").isEqualTo(-1);
        String longer = "x".repeat(37) + "\r\n";
        for (int from = 0; from <= 37; from++) {
            assertThat(Bytes.indexOfCrlf(ascii(longer), from, longer.length())).isEqualTo(37);
        }
    }

    @Test
    void parseDecimalAgreesWithLongParseLongAndRefusesWhatItRefuses() {
        SplittableRandom random = new SplittableRandom(18);
        for (int i = 0; i < 100_000; i++) {
            long value = switch (i % 3) {
                case 0 -> random.nextLong();
                case 1 -> random.nextLong(-1000, 1000);
                default -> random.nextLong() >> random.nextInt(64);
            };
            if (value == Long.MIN_VALUE) {
                continue;
            }
            String text = Long.toString(value);
            assertThat(Bytes.parseDecimal(ascii(" " + text + " "), 1, text.length() + 1)).isEqualTo(value);
        }
        for (String bad : new String[] {"", "-", "+1", "1a", " 1", "9223372036854775808", "-9223372036854775808",
            "99999999999999999999", "--1", "1-"}) {
            assertThat(Bytes.parseDecimal(ascii(bad), 0, bad.length())).as(bad).isEqualTo(Bytes.INVALID);
        }
        assertThat(Bytes.parseDecimal(ascii("9223372036854775807"), 0, 19)).isEqualTo(Long.MAX_VALUE);
        assertThat(Bytes.parseDecimal(ascii("0000000000000000000000042"), 0, 25)).isEqualTo(42);
    }

    @Test
    void putDecimalWritesWhatLongToStringWritesAndNothingAround() {
        ByteBuffer b = ByteBuffer.allocate(40);
        SplittableRandom random = new SplittableRandom(25);
        for (int i = 0; i < 100_000; i++) {
            long value = i < 40 ? i - 20 : i == 40 ? Long.MIN_VALUE : i == 41 ? Long.MAX_VALUE
                    : random.nextLong() >> random.nextInt(64);
            String text = Long.toString(value);
            b.clear();
            b.put(3 + text.length(), (byte) '#');
            assertThat(Bytes.decimalLength(value)).isEqualTo(text.length());
            assertThat(Bytes.putDecimal(b, 3, value)).isEqualTo(3 + text.length());
            assertThat(new String(b.array(), 3, text.length() + 1, StandardCharsets.US_ASCII)).isEqualTo(text + "#");
            assertThat(b.position()).isZero();
        }
    }

    @Test
    void equalsIgnoreCaseMatchesAsciiLettersOnly() {
        byte[] lower = "content-length".getBytes(StandardCharsets.US_ASCII);
        assertThat(Bytes.equalsIgnoreCase(ascii("xContent-LENGTH"), 1, 15, lower)).isTrue();
        assertThat(Bytes.equalsIgnoreCase(ascii("xContent-LENGTH"), 1, lower)).isTrue();
        assertThat(Bytes.equalsIgnoreCase(ascii("xContent-LENGTHs"), 1, 16, lower)).as("length").isFalse();
        assertThat(Bytes.equalsIgnoreCase(ascii("content\rlength"), 0, 14, lower)).isFalse();
        assertThat(Bytes.equalsIgnoreCase(ascii("SET"), 0, 3, "set".getBytes(StandardCharsets.US_ASCII))).isTrue();
        assertThat(Bytes.equalsIgnoreCase(ascii("S\u00c5T"), 0, 3, "set".getBytes(StandardCharsets.US_ASCII)))
                .isFalse();
    }

    @Test
    void noHelperAllocates() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ByteBuffer in = direct("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\n-1234\r\n");
        ByteBuffer out = ByteBuffer.allocateDirect(64);
        byte[] set = "set".getBytes(StandardCharsets.US_ASCII);
        long sum = 0;
        // A helper that allocates does so on every call: 200,000 calls make every round show it. The JIT's own
        // one-off work (an on-stack replacement, a recompilation) may land in any round, so the count is the
        // round with the least, of up to five after the warm-up.
        long least = Long.MAX_VALUE;
        for (int round = 0; round < 6 && least > 0; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 200_000; i++) {
                int cr = Bytes.indexOfCrlf(in, 0, in.limit());
                sum += Bytes.parseDecimal(in, 1, cr) + Bytes.indexOf(in, 0, in.limit(), (byte) 'k');
                sum += Bytes.equalsIgnoreCase(in, 8, 11, set) ? 1 : 0;
                sum += Bytes.putDecimal(out, 0, sum) + Bytes.parseDecimal(in, 30, 35);
            }
            long bytes = threads.getCurrentThreadAllocatedBytes() - before;
            if (round > 0) {
                least = Math.min(least, bytes);
            }
        }
        assertThat(least).as("bytes allocated by 200,000 rounds of every helper, warm").isZero();
        assertThat(sum).isNotZero();
    }

    private static ByteBuffer ascii(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static ByteBuffer direct(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }
}
