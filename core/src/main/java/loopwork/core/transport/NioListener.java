package loopwork.core.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A listening {@link ServerSocketChannel}; its key's attachment is null, which is how its poller tells it from
 * a connection.
 *
 * <p>Not thread-safe: owned by its accept loop.
 */
final class NioListener extends Listener {

    private final NioPoller poller;
    private final NioConnections connections;
    private final ServerSocketChannel channel;
    private SelectionKey key;
    private SocketChannel accepted;
    private IOException failure;

    NioListener(NioPoller poller, NioConnections connections) throws IOException {
        this.poller = poller;
        this.connections = connections;
        channel = ServerSocketChannel.open();
    }

    /**
     * Exclusive: NIO binds and listens in one call, so SO_REUSEPORT is set only after it, for this kit's other
     * loops to join (Linux then puts this socket into their SO_REUSEPORT group as they listen).
     */
    @Override
    public InetSocketAddress bind(InetSocketAddress address, int backlog, int deferAcceptSeconds, boolean exclusive)
            throws IOException {
        assert deferAcceptSeconds == 0 : "NIO cannot defer accepting";
        channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        channel.setOption(StandardSocketOptions.SO_REUSEPORT, !exclusive);
        channel.bind(address, backlog);
        if (exclusive) {
            channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
        }
        channel.configureBlocking(false);
        key = channel.register(poller.selector, SelectionKey.OP_ACCEPT, null);
        return (InetSocketAddress) channel.getLocalAddress();
    }

    /**
     * Java NIO has no way to make a channel of a file descriptor: {@link System#inheritedChannel()} gives only
     * an inetd-style socket on standard input, and Unix-domain channels cannot receive descriptors.
     */
    @Override
    public InetSocketAddress adopt(int fd, int deferAcceptSeconds) throws IOException {
        throw new IOException("the nio transport cannot serve an inherited or taken-over listening socket "
                + "(Java NIO cannot wrap a file descriptor); use --transport epoll");
    }

    @Override
    public int descriptor() {
        return -1;
    }

    @Override
    public int accept() {
        try {
            accepted = channel.accept();
        } catch (IOException e) {
            failure = e;
            return FAILED;
        }
        return accepted == null ? NONE : ACCEPTED;
    }

    @Override
    public boolean deferAccept(int seconds) {
        return seconds == 0; // Java NIO has no TCP_DEFER_ACCEPT
    }

    @Override
    public String failure() {
        return String.valueOf(failure);
    }

    @Override
    public boolean acceptInto(int id) {
        SocketChannel connection = accepted;
        accepted = null;
        try {
            connection.configureBlocking(false);
            connection.setOption(StandardSocketOptions.TCP_NODELAY, Boolean.TRUE);
        } catch (IOException e) {
            closeQuietly(connection);
            return false;
        }
        connections.connection(id).channel = connection;
        return true;
    }

    @Override
    public void refuse(ByteBuffer scratch, long scratchAddress, ByteBuffer answer, long answerAddress) {
        SocketChannel connection = accepted;
        accepted = null;
        try {
            connection.configureBlocking(false);
            scratch.clear();
            connection.read(scratch);
            answer.rewind();
            connection.write(answer);
            connection.shutdownOutput();
        } catch (IOException e) {
            // the peer is gone already
        } finally {
            closeQuietly(connection);
        }
    }

    @Override
    public boolean watch(boolean accepting) {
        key.interestOps(accepting ? SelectionKey.OP_ACCEPT : 0);
        return true;
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(Channel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }
}
