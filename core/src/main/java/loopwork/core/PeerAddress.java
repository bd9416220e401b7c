package loopwork.core;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A connection's remote address, read once when the connection is accepted (accept4's address on epoll,
 * {@code getRemoteAddress} on NIO) and kept in its context, so that reading it allocates nothing: the IP address
 * as bytes (4 for IPv4, 16 for IPv6; none when the transport has no address, as the in-memory one) and the port.
 * The same view serves every connection its context holds: copy what must outlive the connection.
 *
 * <pre>{@code
 * PeerAddress peer = connection.peerAddress();
 * int end = peer.format(line, 0);             // "127.0.0.1:50412" as ASCII, nothing allocated
 * }</pre>
 *
 * <p>Not thread-safe: owned with its connection (set by its home loop at accept, before any handler sees it).
 */
public final class PeerAddress {

    /** The longest {@link #format} writes: an IPv6 address of eight groups in brackets, a colon and a port. */
    public static final int MAX_FORMAT_BYTES = 47;

    private final byte[] address = new byte[16];
    private int length;
    private int port;

    /** Unknown until a transport sets it; a test or a stub connection may make its own. */
    public PeerAddress() {
    }

    /**
     * For transports: sets an IPv4 address.
     *
     * @param ipv4 the address in host order ({@code 127.0.0.1} is {@code 0x7F000001})
     * @param port the peer's port, 0..65535
     */
    public void setIpv4(int ipv4, int port) {
        address[0] = (byte) (ipv4 >>> 24);
        address[1] = (byte) (ipv4 >>> 16);
        address[2] = (byte) (ipv4 >>> 8);
        address[3] = (byte) ipv4;
        length = 4;
        this.port = port;
    }

    /**
     * For transports: sets an address; one of any length but 4 or 16 clears it instead.
     *
     * @param bytes the address in network order, 4 bytes (IPv4) or 16 (IPv6), copied
     * @param port the peer's port, 0..65535
     */
    public void set(byte[] bytes, int port) {
        length = bytes.length == 4 || bytes.length == 16 ? bytes.length : 0;
        System.arraycopy(bytes, 0, address, 0, length);
        this.port = length == 0 ? 0 : port;
    }

    /** For transports: no address known. */
    public void clear() {
        length = 0;
        port = 0;
    }

    /** {@return the address's length in bytes: 4 for IPv4, 16 for IPv6, 0 when unknown} */
    public int length() {
        return length;
    }

    /**
     * {@return byte {@code i} of the address, in network order}
     *
     * @param i 0 to {@link #length()} - 1
     */
    public byte byteAt(int i) {
        Objects.checkIndex(i, length);
        return address[i];
    }

    /** {@return the peer's port, 0 when unknown} */
    public int port() {
        return port;
    }

    /**
     * Copies the address.
     *
     * @param into where it goes, from index 0: at least {@link #length()} long
     * @return how many bytes were copied: {@link #length()}
     */
    public int copyTo(byte[] into) {
        System.arraycopy(address, 0, into, 0, length);
        return length;
    }

    /**
     * Writes the address and port as ASCII at {@code at} ({@code 127.0.0.1:50412}; IPv6 as eight hex groups in
     * brackets, unshortened, {@code [0:0:0:0:0:0:0:1]:50412}; {@code unknown} when there is none) and returns where
     * it ends. Allocates nothing.
     *
     * @param into where the text goes: it needs {@link #MAX_FORMAT_BYTES} from {@code at}
     * @param at the index of its first byte
     * @return the index just past its last byte
     */
    public int format(byte[] into, int at) {
        if (length == 0) {
            for (int i = 0; i < UNKNOWN.length; i++) {
                into[at++] = UNKNOWN[i];
            }
            return at;
        }
        if (length == 4) {
            for (int i = 0; i < 4; i++) {
                at = digits(into, at, address[i] & 0xFF, 10);
                into[at++] = (byte) (i < 3 ? '.' : ':');
            }
        } else {
            into[at++] = '[';
            for (int i = 0; i < 16; i += 2) {
                at = digits(into, at, (address[i] & 0xFF) << 8 | (address[i + 1] & 0xFF), 16);
                into[at++] = (byte) (i < 14 ? ':' : ']');
            }
            into[at++] = ':';
        }
        return digits(into, at, port, 10);
    }

    /** {@return the address as an {@link InetSocketAddress}, null when unknown; allocates on every call (for logs and slow paths)} */
    public InetSocketAddress toSocketAddress() {
        if (length == 0) {
            return null;
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(Arrays.copyOf(address, length)), port);
        } catch (UnknownHostException e) {
            throw new AssertionError("an address of " + length + " bytes", e); // 4 and 16 are both valid
        }
    }

    /** As {@link #format}; allocates. */
    @Override
    public String toString() {
        byte[] text = new byte[MAX_FORMAT_BYTES];
        return new String(text, 0, format(text, 0), StandardCharsets.US_ASCII);
    }

    private static final byte[] UNKNOWN = "unknown".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /** {@code value} (0..65535) in {@code radix} 10 or 16, without leading zeros. */
    private static int digits(byte[] into, int at, int value, int radix) {
        int count = 1;
        for (int rest = value / radix; rest > 0; rest /= radix) {
            count++;
        }
        for (int i = at + count - 1; i >= at; i--) {
            into[i] = DIGITS[value % radix];
            value /= radix;
        }
        return at + count;
    }
}
