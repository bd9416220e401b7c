package loopwork.http;

import static loopwork.http.ManualHttp.SLOW_MS;
import static loopwork.http.ManualHttp.get;
import static loopwork.http.ManualHttp.statuses;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import loopwork.core.ManualClient;
import loopwork.core.ManualKit;

/**
 * HTTP's header, idle, body and write timeouts at the exact millisecond, on a {@link ManualKit}: each is shown
 * open a millisecond before its deadline and timed out at it, with the clock moved by hand (no sleeps, no
 * sockets). And a route that takes longer than all of them (a timer, a task, a move, a hand-off) is never cut
 * short by one, however the head came and however little idle time was left.
 */
@Timeout(30)
class HttpTimeoutsTest {

    /** Header 1 s, idle (and body) 700 ms, write 500 ms. */
    private static final HttpLimits LIMITS = new HttpLimits(2048, 1 << 20, 1_000, 700, 500);
    /** A header timeout of 200 ms and an idle one of 700 ms, both far shorter than a route's work. */
    private static final HttpLimits TIGHT = new HttpLimits(2048, 1 << 20, 200, 700, 5_000);

    private HttpProtocol http;
    private ManualKit kit;

    private ManualKit start(HttpLimits limits) throws IOException {
        http = new HttpProtocol(List.of(ManualHttp.fixed("/fast", "fast"), ManualHttp.timer("/timer"),
                ManualHttp.task("/task"), ManualHttp.async("/async"), ManualHttp.sync("/sync")), limits);
        kit = ManualHttp.kit(http);
        return kit;
    }

    @AfterEach
    void everyContextCameBack() {
        if (kit == null) {
            return;
        }
        try {
            kit.runUntilIdle();
            assertThat(kit.poolsFull()).as(kit.toString()).isTrue();
            assertThat(kit.loopStats().get(0).handlerErrors()).isZero();
        } finally {
            kit.close();
        }
    }

    private long timeouts() {
        return http.stats().get(0).timeouts();
    }

    // ---- the header timeout

    @Test
    void aConnectionThatSendsNothingGets408AtTheHeaderTimeout() throws IOException {
        start(LIMITS);
        ManualClient client = kit.connect();
        kit.runUntilIdle(); // accepted at 0: its first request's head is due by 1000
        kit.advanceMs(999);
        assertThat(client.receivedAscii()).isEmpty();
        assertThat(client.isClosedByServer()).isFalse();
        kit.advanceMs(1);
        List<ManualHttp.Answer> answers = ManualHttp.answers(client.receivedAscii());
        assertThat(answers).extracting(ManualHttp.Answer::status).containsExactly(408);
        assertThat(answers.get(0).closes()).isTrue();
        assertThat(client.isClosedByServer()).isTrue();
        assertThat(client.wasReset()).isFalse();
        assertThat(timeouts()).isEqualTo(1);
    }

    @Test
    void aHeadHasTheHeaderTimeoutFromItsFirstByteAndTricklingDoesNotExtendIt() throws IOException {
        start(LIMITS);
        ManualClient client = kit.connect();
        client.send(get("/fast"));
        kit.runUntilIdle();
        assertThat(statuses(client.receivedAscii())).containsExactly(200);
        kit.advanceMs(300);
        client.send("GET /fast HTTP/1.1\r\n"); // its first byte at 300: due by 1300
        kit.runUntilIdle();
        kit.advanceMs(600);
        client.send("Host: t\r\n"); // a header line at 900: no more time
        kit.runUntilIdle();
        kit.advanceMs(399);
        assertThat(client.receivedAscii()).as("at 1299").isEmpty();
        assertThat(client.isClosedByServer()).isFalse();
        kit.advanceMs(1);
        assertThat(statuses(client.receivedAscii())).as("at 1300").containsExactly(408);
        assertThat(client.isClosedByServer()).isTrue();
    }

    // ---- the idle timeout

    @Test
    void aKeptAliveConnectionIsClosedQuietlyAtTheIdleTimeout() throws IOException {
        start(LIMITS);
        ManualClient client = kit.connect();
        client.send(get("/fast"));
        kit.runUntilIdle();
        assertThat(statuses(client.receivedAscii())).containsExactly(200);
        kit.advanceMs(699);
        assertThat(client.isClosedByServer()).isFalse();
        kit.advanceMs(1);
        assertThat(client.isClosedByServer()).isTrue();
        assertThat(client.receivedAscii()).as("no answer, just a close").isEmpty();
        assertThat(client.wasReset()).isFalse();
        assertThat(timeouts()).isEqualTo(1);
    }

    @Test
    void eachRequestRestartsTheIdleTimeout() throws IOException {
        start(LIMITS);
        ManualClient client = kit.connect();
        client.send(get("/fast"));
        kit.runUntilIdle();
        kit.advanceMs(699);
        client.send(get("/fast"));
        kit.runUntilIdle(); // answered at 699: idle until 1399
        kit.advanceMs(699);
        assertThat(client.isClosedByServer()).as("at 1398").isFalse();
        kit.advanceMs(1);
        assertThat(client.isClosedByServer()).as("at 1399").isTrue();
        assertThat(statuses(client.receivedAscii())).containsExactly(200, 200);
    }

    // ---- the body timeout

    @Test
    void eachBodyGetsItsOwnWindowEvenWhenItStartsInTheReadThatEndsTheLast() throws IOException {
        start(LIMITS);
        ManualClient client = kit.connect();
        String head = "GET /fast HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\n";
        client.send(head + "ab"); // the first body's 700 ms start at 0
        kit.runUntilIdle();
        kit.advanceMs(400);
        client.send("cd" + head + "ef"); // the second's at 400
        kit.runUntilIdle();
        assertThat(statuses(client.receivedAscii())).containsExactly(200, 200);
        kit.advanceMs(300);
        assertThat(client.isClosedByServer()).as("at 700, the end of the first body's window").isFalse();
        kit.advanceMs(399);
        assertThat(client.isClosedByServer()).as("at 1099").isFalse();
        kit.advanceMs(1);
        assertThat(client.isClosedByServer()).as("at 1100: the second body stalled").isTrue();
        assertThat(client.receivedAscii()).isEmpty();
        assertThat(timeouts()).isEqualTo(1);
    }

    @Test
    void aTrickledBodyDoesNotExtendItsWindow() throws IOException {
        start(LIMITS);
        ManualClient client = kit.connect();
        client.send("GET /fast HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nab");
        kit.runUntilIdle();
        for (int i = 0; i < 6; i++) {
            kit.advanceMs(100);
            client.send("c"); // a byte every 100 ms, never the whole body
            kit.runUntilIdle();
        }
        kit.advanceMs(99);
        assertThat(client.isClosedByServer()).as("at 699").isFalse();
        kit.advanceMs(1);
        assertThat(client.isClosedByServer()).as("at 700").isTrue();
    }

    // ---- the write timeout

    @Test
    void aClientThatDoesNotReadItsAnswersIsResetAtTheWriteTimeout() throws IOException {
        start(LIMITS);
        ManualClient client = kit.connect();
        client.window(0); // takes nothing
        client.send(get("/fast").repeat(60)); // more answers than the 4 KB output holds
        kit.runUntilIdle(); // the output fills at 0, and the server stops reading
        long answered = http.stats().get(0).requests();
        assertThat(answered).as("requests taken before the output filled").isBetween(1L, 59L);
        kit.advanceMs(499);
        assertThat(client.isClosedByServer()).as("at 499").isFalse();
        kit.advanceMs(1);
        assertThat(client.isClosedByServer()).as("at 500").isTrue();
        assertThat(client.wasReset()).as("a peer that does not read is reset").isTrue();
        assertThat(http.stats().get(0).requests()).as("nothing more was read").isEqualTo(answered);
        assertThat(timeouts()).isEqualTo(1);
    }

    @Test
    void aHalfClosedClientThatDoesNotReadIsResetAtTheWriteTimeout() throws IOException {
        start(LIMITS);
        ManualClient client = kit.connect();
        client.window(10);
        client.send(get("/fast"));
        client.shutdownOutput();
        kit.runUntilIdle();
        assertThat(client.take()).hasSize(10);
        kit.advanceMs(499);
        assertThat(client.isClosedByServer()).isFalse();
        kit.advanceMs(1);
        assertThat(client.wasReset()).isTrue();
    }

    // ---- a route's own time

    @Test
    void aRouteMayAnswerLongAfterTheHeaderAndIdleTimeouts() throws IOException {
        start(TIGHT);
        kit.pauseWorkers(); // a task or hand-off waits for its worker until the route's work is "done"
        for (String path : List.of("/timer", "/task", "/async", "/sync")) {
            ManualClient client = kit.connect();
            client.send(get(path));
            finishRoute(client, path + ": a whole head");

            kit.advanceMs(400); // 300 ms of the idle timeout left, far less than the route takes
            client.send(get(path));
            finishRoute(client, path + ": late in the idle time");

            String request = get(path);
            client.send(request.substring(0, 20));
            kit.advanceMs(100); // the head's 200 ms run from here
            client.send(request.substring(20));
            finishRoute(client, path + ": a head in two pieces");

            client.shutdownOutput();
            kit.runUntilIdle();
            assertThat(client.isClosedByServer()).isTrue();
        }
        assertThat(timeouts()).isZero();
    }

    /** The route answers after {@link ManualHttp#SLOW_MS}: not a millisecond before, and no timeout meanwhile. */
    private void finishRoute(ManualClient client, String what) {
        kit.runUntilIdle();
        kit.advanceMs(SLOW_MS - 1);
        assertThat(client.receivedAscii()).as(what + ": not answered yet").isEmpty();
        assertThat(client.isClosedByServer()).as(what + ": open").isFalse();
        kit.advanceMs(1);
        kit.resumeWorkers(); // the task runs, or the hand-off is served, at the route's end
        kit.runUntilIdle();
        kit.pauseWorkers();
        assertThat(statuses(client.receivedAscii())).as(what).containsExactly(200);
    }
}
