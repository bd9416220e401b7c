package loopwork.core.epoll;

/**
 * Dotted-quad IPv4 addresses as {@code int}s in host order ({@code 127.0.0.1} is {@code 0x7F000001}), parsed
 * without {@link java.net.InetAddress} so that nothing resolves names. Thread-safe: stateless.
 */
public final class Ipv4 {

    public static final int ANY = 0;
    public static final int LOOPBACK = 0x7F000001;

    private Ipv4() {
    }

    /** Parses {@code a.b.c.d}, each part 0 to 255 in decimal without leading zeros (which C's
     * inet_aton would read as octal); throws {@link IllegalArgumentException} otherwise. */
    public static int parse(String dotted) {
        int address = 0;
        int parts = 0;
        int i = 0;
        int length = dotted.length();
        while (i <= length && parts < 4) {
            int value = 0;
            int digits = 0;
            int start = i;
            while (i < length && dotted.charAt(i) >= '0' && dotted.charAt(i) <= '9' && digits < 3) {
                value = value * 10 + (dotted.charAt(i) - '0');
                digits++;
                i++;
            }
            if (digits == 0 || value > 255 || digits > 1 && dotted.charAt(start) == '0') {
                break;
            }
            address = address << 8 | value;
            parts++;
            if (parts < 4) {
                if (i >= length || dotted.charAt(i) != '.') {
                    break;
                }
                i++;
            }
        }
        if (parts != 4 || i != length) {
            throw new IllegalArgumentException("not a dotted-quad IPv4 address: " + dotted);
        }
        return address;
    }

    /** The four bytes of {@link java.net.Inet4Address#getAddress()}, as an {@code int} in host order. */
    public static int of(byte[] address) {
        if (address.length != 4) {
            throw new IllegalArgumentException("an IPv4 address has 4 bytes, not " + address.length);
        }
        return (address[0] & 0xFF) << 24 | (address[1] & 0xFF) << 16 | (address[2] & 0xFF) << 8 | (address[3] & 0xFF);
    }

    public static String format(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xFF) + "." + (address >>> 8 & 0xFF) + "." + (address & 0xFF);
    }
}
