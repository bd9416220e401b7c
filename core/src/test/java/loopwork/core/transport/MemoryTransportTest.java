package loopwork.core.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The in-memory transport on its own, through the seam a loop uses (a poller, its listener, a readiness that
 * records what it is told), with the test as the client: accepting, reading and writing in both directions,
 * a send window, half-close and resets on either side, and a refusal.
 */
class MemoryTransportTest {

    private static final int HOME = 0;

    private final MemoryTransport transport = new MemoryTransport();
    private final List<String> events = new ArrayList<>();
    private final Poller poller = transport.newPoller(new Readiness() {
        @Override
        public void onAcceptable() {
            events.add("acceptable");
        }

        @Override
        public void onReady(int home, int id, int ready) {
            events.add(home + "/" + id + ((ready & Poller.READ) != 0 ? " read" : "")
                    + ((ready & Poller.WRITE) != 0 ? " write" : ""));
        }
    });
    private final Listener listener;
    private final ByteBuffer in = ByteBuffer.allocateDirect(64);

    MemoryTransportTest() throws IOException {
        listener = poller.openListener(HOME, 4);
        listener.bind(new InetSocketAddress(0), 16, 0);
    }

    /** Polls, and returns what the readiness was told. */
    private List<String> poll() {
        events.clear();
        int ready = poller.poll(1_000); // returns at once whatever the timeout: the test would hang otherwise
        assertThat(ready).isEqualTo(events.size());
        return List.copyOf(events);
    }

    /** A client accepted into connection {@code id}. */
    private MemoryPeer accepted(int id) {
        MemoryPeer client = transport.connect(HOME);
        assertThat(poll()).containsExactly("acceptable");
        assertThat(listener.accept()).isEqualTo(Listener.ACCEPTED);
        assertThat(listener.acceptInto(id, new loopwork.core.PeerAddress())).isTrue();
        assertThat(listener.accept()).isEqualTo(Listener.NONE);
        assertThat(client.isAccepted()).isTrue();
        assertThat(poller.isOpen(HOME, id)).isTrue();
        return client;
    }

    private String read(int id) {
        in.clear();
        int n = poller.read(HOME, id, in, 0);
        return n <= 0 ? String.valueOf(n) : StandardCharsets.US_ASCII.decode(in.flip()).toString();
    }

    private int write(int id, String text) {
        return poller.write(HOME, id, ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)), 0, false);
    }

    @Test
    void aClientIsAcceptableOnlyWhileTheListenerListensAndAccepts() {
        assertThat(poll()).isEmpty();
        transport.connect(HOME);
        listener.watch(false);
        assertThat(poll()).as("accepting paused").isEmpty();
        listener.watch(true);
        assertThat(poll()).containsExactly("acceptable");
        listener.close();
        assertThat(poll()).isEmpty();
        assertThatThrownBy(() -> transport.connect(HOME)).hasMessageContaining("not listening");
        assertThatThrownBy(() -> transport.connect(1)).hasMessageContaining("not listening");
    }

    @Test
    void bytesGoBothWaysAndReadinessIsLevelTriggeredWithinTheInterest() {
        MemoryPeer client = accepted(2);
        assertThat(poll()).as("not watched").isEmpty();
        poller.watch(HOME, 2, Poller.READ);
        assertThat(poll()).as("nothing sent").isEmpty();

        client.send("hello");
        assertThat(poll()).containsExactly("0/2 read");
        assertThat(poll()).as("level-triggered: still unread").containsExactly("0/2 read");
        assertThat(read(2)).isEqualTo("hello");
        assertThat(read(2)).isEqualTo("0");
        assertThat(poll()).isEmpty();

        assertThat(write(2, "world")).isEqualTo(5);
        assertThat(client.receivedAscii()).isEqualTo("world");
        assertThat(client.receivedAscii()).as("taken").isEmpty();

        poller.watch(HOME, 2, Poller.READ | Poller.WRITE);
        assertThat(poll()).containsExactly("0/2 write");
        poller.unwatch(HOME, 2);
        client.send("x");
        assertThat(poll()).as("unwatched").isEmpty();
    }

    @Test
    void theWindowLimitsWhatTheSocketTakesUntilItOpensAgain() {
        MemoryPeer client = accepted(0);
        client.window(3);
        poller.watch(HOME, 0, Poller.WRITE);
        assertThat(poll()).containsExactly("0/0 write");

        ByteBuffer answer = ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII));
        assertThat(poller.write(HOME, 0, answer, 0, false)).isEqualTo(3);
        assertThat(answer.remaining()).isEqualTo(2);
        assertThat(poller.write(HOME, 0, answer, 0, false)).as("full").isZero();
        assertThat(poll()).as("not writable while full").isEmpty();
        assertThat(client.receivedAscii()).isEqualTo("hel");

        client.window(10);
        assertThat(poll()).containsExactly("0/0 write");
        assertThat(poller.write(HOME, 0, answer, 0, true)).isEqualTo(2);
        assertThat(client.receivedAscii()).isEqualTo("lo");
    }

    @Test
    void aHalfCloseEndsTheInputAfterWhatCameBeforeIt() {
        MemoryPeer client = accepted(1);
        poller.watch(HOME, 1, Poller.READ);
        client.send("last");
        client.shutdownOutput();
        assertThatThrownBy(() -> client.send("more")).isInstanceOf(IllegalStateException.class);
        assertThat(read(1)).isEqualTo("last");
        assertThat(poll()).as("the end is readable").containsExactly("0/1 read");
        assertThat(read(1)).isEqualTo(String.valueOf(Poller.END));
        assertThat(write(1, "answer")).as("the other way stays open").isEqualTo(6);

        poller.close(HOME, 1, false);
        assertThat(client.receivedAscii()).isEqualTo("answer");
        assertThat(client.isClosedByServer()).isTrue();
        assertThat(client.wasReset()).isFalse();
        assertThat(poller.isOpen(HOME, 1)).isFalse();
        assertThat(poll()).as("closed: forgotten").isEmpty();
    }

    @Test
    void aClientResetFailsReadsAndWritesAndAServerResetShows() {
        MemoryPeer client = accepted(0);
        poller.watch(HOME, 0, Poller.READ);
        client.send("dropped");
        client.reset();
        assertThat(poll()).containsExactly("0/0 read");
        assertThat(read(0)).isEqualTo(String.valueOf(Poller.FAILED));
        assertThat(write(0, "x")).isEqualTo(Poller.FAILED);
        poller.close(HOME, 0, false);

        MemoryPeer second = accepted(0);
        assertThat(second).isNotSameAs(client);
        poller.close(HOME, 0, true);
        assertThat(second.isClosedByServer()).isTrue();
        assertThat(second.wasReset()).isTrue();
    }

    @Test
    void aRefusedClientGetsTheAnswerAndAClose() {
        MemoryPeer client = transport.connect(HOME);
        client.send("request");
        assertThat(listener.accept()).isEqualTo(Listener.ACCEPTED);
        ByteBuffer answer = ByteBuffer.wrap("busy\n".getBytes(StandardCharsets.US_ASCII));
        listener.refuse(in, 0, answer, 0);
        assertThat(client.receivedAscii()).isEqualTo("busy\n");
        assertThat(client.isClosedByServer()).isTrue();
        assertThat(client.wasReset()).isFalse();
    }

    @Test
    void aBlockingPollerCountsWhatIsReadyAndReportsNothing() {
        MemoryPeer client = accepted(3);
        Poller blocking = transport.newBlockingPoller();
        blocking.watch(HOME, 3, Poller.READ);
        assertThatThrownBy(() -> blocking.poll(1_000)).as("nothing ready, and no clock to pass the wait")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("blockingWait");
        client.send("x");
        assertThat(blocking.poll(1_000)).isEqualTo(1);
        assertThat(poll()).as("the loop's poller does not watch it").isEmpty();
    }

    /** With a blockingWait, a wait that finds nothing passes as time told to it, instead of spinning. */
    @Test
    void aBlockingWaitWithNothingReadyIsToldToTheTransportsHook() {
        long[] waited = {0};
        try (MemoryTransport timed = new MemoryTransport(ms -> waited[0] += ms)) {
            Poller blocking = timed.newBlockingPoller();
            assertThat(blocking.poll(250)).isZero();
            assertThat(waited[0]).isEqualTo(250);
        }
    }
}
