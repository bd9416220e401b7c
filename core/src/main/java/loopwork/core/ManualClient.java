package loopwork.core;

import loopwork.core.transport.MemoryPeer;

/**
 * A client of a {@link ManualKit}: the far end of one in-memory connection. What it sends is there for the
 * server's next read; what the server wrote waits here until taken. Nothing happens until the kit is stepped.
 *
 * <pre>{@code
 * ManualClient client = kit.connect();
 * client.send("PING\n");
 * kit.runUntilIdle();                       // accepted, read, answered
 * assertEquals("PONG\n", client.receivedAscii());
 * }</pre>
 *
 * <p>Not thread-safe: owned by the test's thread, like the kit.
 */
public final class ManualClient {

    private final MemoryPeer peer;

    ManualClient(MemoryPeer peer) {
        this.peer = peer;
    }

    /**
     * Sends {@code bytes}, there for the server's next read; dropped if the server has closed the connection.
     *
     * @param bytes what to send, copied
     */
    public void send(byte[] bytes) {
        peer.send(bytes);
    }

    /**
     * Sends {@code ascii}'s characters, one byte each, as {@link #send(byte[])}.
     *
     * @param ascii the text, of characters below 128
     */
    public void send(String ascii) {
        peer.send(ascii);
    }

    /** {@return everything the server wrote since the last take, empty if nothing; taken, so not seen again} */
    public byte[] take() {
        return peer.take();
    }

    /** {@return {@link #take()} as ASCII text} */
    public String receivedAscii() {
        return peer.receivedAscii();
    }

    /** Half-closes (a FIN): the server reads the end of its input after what was sent before. */
    public void shutdownOutput() {
        peer.shutdownOutput();
    }

    /** Resets the connection: the server's next read or write fails, and what it had not read is dropped. */
    public void reset() {
        peer.reset();
    }

    /**
     * How many more bytes the connection takes from the server, until the next call (unlimited at first): the
     * server's writes stop there, partly done, and it waits for the connection to be writable, as with a
     * client that does not read. 0 stops them all; a larger window lets them go on at the next step.
     *
     * @param bytes the window in bytes, 0 or more
     */
    public void window(int bytes) {
        peer.window(bytes);
    }

    /** {@return whether the server has taken the connection in, accepted or refused} */
    public boolean isAccepted() {
        return peer.isAccepted();
    }

    /** {@return whether the server closed the connection, gracefully or with a reset} */
    public boolean isClosedByServer() {
        return peer.isClosedByServer();
    }

    /** {@return whether the server closed the connection with a reset} */
    public boolean wasReset() {
        return peer.wasReset();
    }
}
