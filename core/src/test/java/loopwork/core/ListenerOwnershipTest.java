package loopwork.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import loopwork.core.epoll.EpollSupport;
import loopwork.core.epoll.Ipv4;
import loopwork.core.epoll.LinuxSockets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who owns a kit's port: the first bind is exclusive unless the kit joins on purpose; inherited sockets are
 * served instead of bound, shared by more loops than sockets; a successor takes them over through the
 * control socket and serves the same port while the old kit stops. Real sockets on 127.0.0.1.
 */
class ListenerOwnershipTest {

    @TempDir
    Path dir;

    @Test
    void aPortSomeoneListensOnIsNotJoinedByDefault() throws Exception {
        for (Transport transport : available()) {
            aPortSomeoneListensOnIsNotJoinedByDefault(transport);
        }
    }

    private void aPortSomeoneListensOnIsNotJoinedByDefault(Transport transport) throws Exception {
        try (ServerSocketChannel plain = ServerSocketChannel.open();
                ServerSocketChannel reusing = ServerSocketChannel.open()) {
            plain.bind(new InetSocketAddress("127.0.0.1", 0));
            reusing.setOption(StandardSocketOptions.SO_REUSEPORT, true); // as an old instance's listener
            reusing.bind(new InetSocketAddress("127.0.0.1", 0));
            for (ServerSocketChannel taken : new ServerSocketChannel[] {plain, reusing}) {
                int port = ((InetSocketAddress) taken.getLocalAddress()).getPort();
                Kit kit = kit(transport, port, 2).build();
                assertThatThrownBy(kit::start).isInstanceOf(BindException.class)
                        .hasMessageContaining("127.0.0.1:" + port);
                kit.close();
            }
        }
    }

    @Test
    void aSecondKitFailsUnlessItJoinsOnPurpose() throws Exception {
        for (Transport transport : available()) {
            aSecondKitFailsUnlessItJoinsOnPurpose(transport);
        }
    }

    private void aSecondKitFailsUnlessItJoinsOnPurpose(Transport transport) throws Exception {
        try (Kit first = kit(transport, 0, 3).build()) {
            first.start(); // its own three loops share the port: exclusive is against others only
            int port = first.port();
            assertThat(echo(port, "one")).isEqualTo("one");

            try (Kit second = kit(transport, port, 2).build()) {
                assertThatThrownBy(second::start).isInstanceOf(BindException.class);
            }
            try (Kit joining = kit(transport, port, 2).reusePort(true).build()) {
                joining.start();
                assertThat(joining.port()).isEqualTo(port);
                first.close(); // what is left serves the port alone
                assertThat(echo(port, "two")).isEqualTo("two");
            }
        }
    }

    @Test
    void closedConnectionsInTimeWaitDoNotHoldThePort() throws Exception {
        int port;
        try (Kit kit = kit(Transport.preferred(), 0, 1).build()) {
            kit.start();
            port = kit.port();
            for (int i = 0; i < 5; i++) {
                try (Socket socket = new Socket("127.0.0.1", port)) { // "bye": the server closes first
                    socket.getOutputStream().write("bye\n".getBytes(StandardCharsets.US_ASCII));
                    assertThat(socket.getInputStream().readAllBytes()).isNotEmpty();
                }
            }
        }
        try (Kit again = kit(Transport.preferred(), port, 1).build()) {
            again.start();
            assertThat(echo(port, "again")).isEqualTo("again");
        }
    }

    @Test
    void systemdVariablesNameTheSocketsFromThreeOnForThisProcessOnly() {
        InheritedListeners two = InheritedListeners.fromSystemd(Map.of("LISTEN_PID", "42", "LISTEN_FDS", "2",
                "LISTEN_FDNAMES", "http:admin"), 42);
        assertThat(two.count()).isEqualTo(2);
        assertThat(two.fd(0)).isEqualTo(3);
        assertThat(two.fd(1)).isEqualTo(4);
        assertThat(two.names()).containsExactly("http", "admin");
        assertThat(InheritedListeners.fromSystemd(Map.of("LISTEN_PID", "41", "LISTEN_FDS", "2"), 42).isEmpty())
                .as("variables meant for a parent").isTrue();
        assertThat(InheritedListeners.fromSystemd(Map.of(), 42).isEmpty()).isTrue();
        assertThatThrownBy(() -> InheritedListeners.fromSystemd(Map.of("LISTEN_PID", "42", "LISTEN_FDS", "x"), 42))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LISTEN_FDS");
    }

    @Test
    void anInheritedSocketIsServedByEveryLoop() throws Exception {
        assumeTrue(EpollSupport.isAvailable());
        LinuxSockets sockets = new LinuxSockets();
        int fd = sockets.openListener(Ipv4.LOOPBACK, 0, 64, false);
        int port = sockets.localPort(fd);
        try (Kit kit = kit(Transport.EPOLL, 0, 3).inheritListeners(InheritedListeners.of("a test", fd)).build()) {
            kit.start();
            assertThat(kit.port()).isEqualTo(port);
            for (int i = 0; i < 30; i++) {
                assertThat(echo(port, "n" + i)).isEqualTo("n" + i);
            }
            assertThat(kit.loopStats().stream().mapToLong(LoopStatistics::accepted).sum()).isEqualTo(30);
        }
        try (Socket refused = new Socket()) { // every loop's descriptor closed: the socket is gone
            assertThatThrownBy(() -> refused.connect(new InetSocketAddress("127.0.0.1", port), 2_000))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void inheritedSocketsNeedEpoll() {
        assertThatThrownBy(() -> kit(Transport.NIO, 0, 1).inheritListeners(InheritedListeners.of("a test", 99))
                .config()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("epoll");
    }

    @Test
    void aSuccessorTakesTheSocketsOverAndTheOldKitStops() throws Exception {
        assumeTrue(EpollSupport.isAvailable());
        Path control = dir.resolve("control.sock");
        Kit old = kit(Transport.EPOLL, 0, 2).build();
        old.start();
        int port = old.port();
        CountDownLatch stopped = new CountDownLatch(1);
        ControlSocket socket = ControlSocket.open(control, old, () -> {
            old.close();
            stopped.countDown();
        });
        try {
            assertThat(echo(port, "before")).isEqualTo("before");
            Kit successor;
            try (TakeOver takeOver = TakeOver.connect(control, 10_000)) {
                assertThat(takeOver.listeners().count()).isEqualTo(2);
                successor = kit(Transport.EPOLL, 1, 1).inheritListeners(takeOver.listeners()).build();
                successor.start();
                assertThat(successor.config().acceptThreads()).as("a loop per socket").isEqualTo(2);
                assertThat(echo(port, "both serve")).isEqualTo("both serve");
                takeOver.serving();
            }
            assertThat(stopped.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.exists(control)).as("the old control socket's path, let go").isFalse();
            try (successor) {
                for (int i = 0; i < 20; i++) {
                    assertThat(echo(port, "after" + i)).isEqualTo("after" + i);
                }
                assertThat(successor.loopStats().stream().mapToLong(LoopStatistics::accepted).sum())
                        .isGreaterThanOrEqualTo(20);
            }
        } finally {
            socket.close();
            old.close();
        }
    }

    @Test
    void theSocketsOfSeveralKitsAreTakenOverTogetherEachToItsKit() throws Exception {
        assumeTrue(EpollSupport.isAvailable());
        Path control = dir.resolve("control.sock");
        Kit main = kit(Transport.EPOLL, 0, 2).build();
        Kit admin = kit(Transport.EPOLL, 0, 1).build();
        main.start();
        admin.start();
        CountDownLatch stopped = new CountDownLatch(1);
        ControlSocket socket = ControlSocket.open(control, List.of(main, admin), () -> {
            main.close();
            admin.close();
            stopped.countDown();
        });
        Kit mainSuccessor = null;
        Kit adminSuccessor = null;
        try {
            try (TakeOver takeOver = TakeOver.connect(control, 10_000)) {
                assertThat(takeOver.listeners().count()).isEqualTo(2);
                assertThat(takeOver.listeners(1).count()).isEqualTo(1);
                assertThat(takeOver.listeners(2).isEmpty()).isTrue();
                mainSuccessor = kit(Transport.EPOLL, 1, 1).inheritListeners(takeOver.listeners(0)).build();
                adminSuccessor = kit(Transport.EPOLL, 1, 1).inheritListeners(takeOver.listeners(1)).build();
                mainSuccessor.start();
                adminSuccessor.start();
                assertThat(mainSuccessor.port()).isEqualTo(main.port());
                assertThat(adminSuccessor.port()).isEqualTo(admin.port());
                takeOver.serving();
            }
            assertThat(stopped.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(echo(main.port(), "main")).isEqualTo("main");
            assertThat(echo(admin.port(), "admin")).isEqualTo("admin");
        } finally {
            socket.close();
            main.close();
            admin.close();
            if (mainSuccessor != null) {
                mainSuccessor.close();
            }
            if (adminSuccessor != null) {
                adminSuccessor.close();
            }
        }
    }

    @Test
    void aControlSocketOfARunningKitIsNotReplaced() throws Exception {
        assumeTrue(EpollSupport.isAvailable());
        Path control = dir.resolve("control.sock");
        try (Kit kit = kit(Transport.EPOLL, 0, 1).build()) {
            kit.start();
            ControlSocket first = ControlSocket.open(control, kit, () -> { });
            assertThatThrownBy(() -> ControlSocket.open(control, kit, () -> { }))
                    .isInstanceOf(IOException.class).hasMessageContaining("running server");
            first.close();
            assertThat(Files.exists(control)).isFalse();
            Files.writeString(control, "stale"); // left by a server that is gone
            ControlSocket replacing = ControlSocket.open(control, kit, () -> { });
            replacing.close();
        }
        assertThatThrownBy(() -> TakeOver.connect(control, 1_000)).isInstanceOf(IOException.class)
                .hasMessageContaining("no running server");
    }

    private static List<Transport> available() {
        return Arrays.stream(Transport.values()).filter(Transport::isAvailable).toList();
    }

    private static KitBuilder kit(Transport transport, int port, int loops) {
        return Kit.builder().host("127.0.0.1").port(port).acceptThreads(loops).acceptCapacity(16).workerThreads(1)
                .transport(transport).protocol(new KitTest.LineProtocol());
    }

    private static String echo(int port, String line) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return echo(socket, line);
        }
    }

    private static String echo(Socket socket, String line) throws IOException {
        socket.setSoTimeout(5_000);
        OutputStream out = socket.getOutputStream();
        out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder got = new StringBuilder();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            got.append((char) b);
        }
        return got.toString();
    }
}
