package loopwork.core.transport;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The client's end of a connection on the {@link MemoryTransport}, and the state of the "socket" between it
 * and the server: what the client sent and the server has not read yet, what the server wrote and the client
 * has not taken yet, and how each side ended it. The client sends, takes what arrived, half-closes or resets;
 * it sets how much more the socket takes from the server ({@link #window}) to drive partial writes and
 * backpressure; and it sees whether the server closed or reset the connection.
 *
 * <pre>{@code
 * MemoryPeer client = transport.connect(0);
 * client.send("PING\n");
 * loop.doWork();                      // accepts, reads, answers
 * assertEquals("PONG\n", client.receivedAscii());
 * }</pre>
 *
 * <p>Thread-safe: its state is guarded by its lock, so a test thread may play the client while a loop thread
 * serves it. The server's side ({@link #home}, {@link #id}, {@link #watcher}, {@link #interest}) is owned by the
 * thread serving the connection.
 */
public final class MemoryPeer {

    /** Accept loop and pool index of the connection the server took it into; -1 until accepted. */
    int home = -1;
    int id = -1;
    /** The poller watching it, and for what; null and 0 when none does. */
    MemoryPoller watcher;
    int interest;

    private byte[] toServer = new byte[0];
    private final ByteArrayOutputStream toClient = new ByteArrayOutputStream();
    private int window = Integer.MAX_VALUE;
    private boolean outputShut;
    private boolean resetByClient;
    private boolean closedByServer;
    private boolean resetByServer;

    MemoryPeer() {
    }

    /** Sends {@code bytes} to the server; dropped if the server closed already. */
    public synchronized void send(byte[] bytes) {
        if (outputShut || resetByClient) {
            throw new IllegalStateException("the client ended its output already");
        }
        if (!closedByServer) {
            int had = toServer.length;
            toServer = Arrays.copyOf(toServer, had + bytes.length);
            System.arraycopy(bytes, 0, toServer, had, bytes.length);
        }
    }

    /** Sends {@code ascii}'s characters, one byte each. */
    public void send(String ascii) {
        send(ascii.getBytes(StandardCharsets.US_ASCII));
    }

    /** Everything the server wrote since the last take. */
    public synchronized byte[] take() {
        byte[] bytes = toClient.toByteArray();
        toClient.reset();
        return bytes;
    }

    /** {@link #take()} as ASCII text. */
    public String receivedAscii() {
        return new String(take(), StandardCharsets.US_ASCII);
    }

    /** A half-close (FIN): the server reads the end of its input once it has read what came before. */
    public synchronized void shutdownOutput() {
        outputShut = true;
    }

    /** Resets the connection: the server's next read or write fails, and what it has not read is dropped. */
    public synchronized void reset() {
        resetByClient = true;
        toServer = new byte[0];
    }

    /**
     * From now on the socket takes at most {@code bytes} more from the server, until the next call: 0 makes
     * the server's writes take nothing (a full socket), so it waits to be writable. Unlimited at first.
     */
    public synchronized void window(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("a window cannot be negative: " + bytes);
        }
        window = bytes;
    }

    /** Whether the server has taken the connection in (accepted it, or refused it). */
    public synchronized boolean isAccepted() {
        return home >= 0 || closedByServer;
    }

    /** Whether the server closed the connection, gracefully or with a reset. */
    public synchronized boolean isClosedByServer() {
        return closedByServer;
    }

    /** Whether the server closed the connection with a reset (SO_LINGER 0). */
    public synchronized boolean wasReset() {
        return resetByServer;
    }

    // ---- the server's side, called by the transport on the thread serving the connection

    synchronized int read(ByteBuffer dst) {
        if (resetByClient) {
            return Poller.FAILED;
        }
        int n = Math.min(dst.remaining(), toServer.length);
        if (n == 0) {
            return outputShut ? Poller.END : 0;
        }
        dst.put(toServer, 0, n);
        toServer = Arrays.copyOfRange(toServer, n, toServer.length);
        return n;
    }

    synchronized int write(ByteBuffer src) {
        if (resetByClient) {
            return Poller.FAILED;
        }
        int n = Math.min(src.remaining(), window);
        byte[] bytes = new byte[n];
        src.get(bytes);
        toClient.writeBytes(bytes);
        if (window != Integer.MAX_VALUE) {
            window -= n;
        }
        return n;
    }

    /** What the connection is ready for now, level-triggered: {@link Poller#READ} | {@link Poller#WRITE}. */
    synchronized int ready() {
        boolean readable = toServer.length > 0 || outputShut || resetByClient;
        boolean writable = window > 0 || resetByClient;
        return (readable ? Poller.READ : 0) | (writable ? Poller.WRITE : 0);
    }

    synchronized void accepted(int home, int id) {
        this.home = home;
        this.id = id;
    }

    /** The server closed it; what it wrote stays for the client to take. */
    synchronized void closedByServer(boolean reset) {
        closedByServer = true;
        resetByServer = reset;
        toServer = new byte[0];
    }

    /** The listener refused it: the answer goes out whole, then a FIN. */
    synchronized void refused(ByteBuffer answer) {
        byte[] bytes = new byte[answer.remaining()];
        answer.get(bytes);
        toClient.writeBytes(bytes);
        closedByServer(false);
    }
}
