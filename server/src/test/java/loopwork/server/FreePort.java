package loopwork.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A port for a server process a test starts, chosen below the kernel's ephemeral range.
 *
 * <p>A port from {@code new ServerSocket(0)} is an ephemeral one: between closing the probe and the
 * server's bind, any outgoing connection on the machine (a benchmark's 19,000 clients, another test's)
 * may be given it as its local port, and the server fails with "Address already in use". Ports below
 * {@code net.ipv4.ip_local_port_range} are never handed out that way, so only a listener can hold one,
 * and the probe bind on the wildcard address sees that.
 */
final class FreePort {

    private static final int LOWEST = 10_000;

    private FreePort() {
    }

    static int pick() throws IOException {
        int below = ephemeralLow();
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
            try (ServerSocket probe = new ServerSocket()) {
                probe.bind(new InetSocketAddress(port));
                return port;
            } catch (IOException taken) {
                // a listener holds it: try another
            }
        }
        throw new IOException("no free port in " + LOWEST + ".." + (below - 1) + " after 100 attempts");
    }

    private static int ephemeralLow() throws IOException {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        if (!Files.isReadable(range)) {
            return 32_768; // Linux's default low bound
        }
        int low = Integer.parseInt(Files.readString(range).trim().split("\\s+")[0]);
        return Math.max(low, LOWEST + 1_000);
    }
}
