package loopwork.http;

/**
 * The {@code Date} header line (RFC 9110 5.6.7, IMF-fixdate), re-encoded at most once a second into bytes
 * kept by the thread that sends them: no formatter, no strings, no allocation.
 *
 * <pre>{@code Date: Thu, 26 Nov 2026 14:10:00 GMT\r\n}</pre>
 *
 * <p>Not thread-safe: each loop's handler (accept loop or worker) has its own.
 */
final class HttpDate {

    static final int LENGTH = 37;
    private static final byte[] DAYS = "ThuFriSatSunMonTueWed".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final byte[] line = new byte[LENGTH];
    private long second = Long.MIN_VALUE;
    /** When, on the monotonic clock, the wall clock's second may next change: until then the line holds. */
    private long checkAtMs = Long.MIN_VALUE;

    /** The line for now, from a thread with no loop clock (a blocking handler's worker). */
    byte[] line() {
        return line(System.nanoTime() / 1_000_000);
    }

    /**
     * The line for {@code nowMs}, the serving loop's clock ({@code Connection.nowMs()}): the wall clock is read
     * only when its second may have changed, not per answer. A wall-clock step shows within a second.
     */
    byte[] line(long nowMs) {
        if (checkAtMs == Long.MIN_VALUE || nowMs - checkAtMs >= 0) {
            long wallMs = System.currentTimeMillis();
            long now = Math.floorDiv(wallMs, 1000);
            if (now != second) {
                second = now;
                encode(now, line);
            }
            checkAtMs = nowMs + 1000 - Math.floorMod(wallMs, 1000);
        }
        return line;
    }

    /** Encodes "Date: Www, DD Mmm YYYY hh:mm:ss GMT\r\n" for a Unix second. */
    static void encode(long epochSecond, byte[] out) {
        long days = Math.floorDiv(epochSecond, 86_400);
        int secondOfDay = Math.floorMod(epochSecond, 86_400);
        // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        int dayOfEra = (int) (z - era * 146_097);
        int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        int mp = (5 * dayOfYear + 2) / 153;
        int day = dayOfYear - (153 * mp + 2) / 5 + 1;
        int month = mp < 10 ? mp + 3 : mp - 9;
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        int weekday = Math.floorMod(days, 7); // 1970-01-01 was a Thursday
        int i = put(out, 0, "Date: ");
        out[i++] = DAYS[weekday * 3];
        out[i++] = DAYS[weekday * 3 + 1];
        out[i++] = DAYS[weekday * 3 + 2];
        out[i++] = ',';
        out[i++] = ' ';
        i = two(out, i, day);
        out[i++] = ' ';
        out[i++] = MONTHS[(month - 1) * 3];
        out[i++] = MONTHS[(month - 1) * 3 + 1];
        out[i++] = MONTHS[(month - 1) * 3 + 2];
        out[i++] = ' ';
        i = two(out, i, (int) (year / 100));
        i = two(out, i, (int) (year % 100));
        out[i++] = ' ';
        i = two(out, i, secondOfDay / 3600);
        out[i++] = ':';
        i = two(out, i, secondOfDay / 60 % 60);
        out[i++] = ':';
        i = two(out, i, secondOfDay % 60);
        put(out, i, " GMT\r\n");
    }

    private static int two(byte[] out, int i, int value) {
        out[i] = (byte) ('0' + value / 10);
        out[i + 1] = (byte) ('0' + value % 10);
        return i + 2;
    }

    private static int put(byte[] out, int i, String ascii) {
        for (int k = 0; k < ascii.length(); k++) {
            out[i++] = (byte) ascii.charAt(k);
        }
        return i;
    }
}
