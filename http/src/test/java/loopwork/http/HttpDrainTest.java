package loopwork.http;

import static loopwork.http.ManualHttp.SLOW_MS;
import static loopwork.http.ManualHttp.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import loopwork.core.ManualClient;
import loopwork.core.ManualKit;

/**
 * HTTP through a drain, stepped on a {@link ManualKit}: a connection between requests closes as the drain begins;
 * every request already received is answered, whichever way its route works (in place, a route timer, a task, a
 * move to the worker's loop, a hand-off), the last one on its connection with {@code Connection: close}; what the
 * listener had queued is accepted and served; nothing connects after. Every context comes back.
 */
@Timeout(30)
class HttpDrainTest {

    private ManualKit kit;

    @BeforeEach
    void start() throws IOException {
        HttpProtocol http = new HttpProtocol(List.of(ManualHttp.fixed("/fast", "fast"), ManualHttp.timer("/timer"),
                ManualHttp.task("/task"), ManualHttp.async("/async"), ManualHttp.sync("/sync")), HttpLimits.DEFAULTS);
        kit = ManualHttp.kit(http);
    }

    @AfterEach
    void everyContextCameBack() {
        try {
            kit.runUntilIdle();
            assertThat(kit.poolsFull()).as(kit.toString()).isTrue();
            assertThat(kit.loopStats().get(0).handlerErrors()).isZero();
        } finally {
            kit.close();
        }
    }

    @Test
    void aKeptAliveConnectionBetweenRequestsClosesAsTheDrainBegins() {
        ManualClient client = kit.connect();
        client.send(get("/fast"));
        kit.runUntilIdle();
        ManualHttp.Answer answer = ManualHttp.answers(client.receivedAscii()).get(0);
        assertThat(answer.closes()).isFalse();

        kit.drain();
        kit.step();

        assertThat(client.isClosedByServer()).isTrue();
        assertThat(client.wasReset()).as("a FIN, not a reset").isFalse();
        assertThat(kit.openConnections()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/timer", "/task", "/async", "/sync"})
    void aRequestInFlightIsAnsweredWithConnectionCloseAndTheConnectionThenCloses(String path) {
        ManualClient client = kit.connect();
        kit.pauseWorkers(); // the task, the move and the hand-off wait until the drain has begun
        client.send(get(path));
        kit.runUntilIdle();
        assertThat(client.receivedAscii()).isEmpty();

        kit.drain();
        kit.step();
        assertThat(client.isClosedByServer()).as("not between requests: it stays").isFalse();
        kit.resumeWorkers();
        kit.runUntilIdle();
        kit.advanceMs(SLOW_MS);

        List<ManualHttp.Answer> answers = ManualHttp.answers(client.receivedAscii());
        assertThat(answers).extracting(ManualHttp.Answer::status).containsExactly(200);
        assertThat(answers.get(0).closes()).as("%s", answers).isTrue();
        assertThat(client.isClosedByServer()).isTrue();
        assertThat(client.wasReset()).isFalse();
    }

    @Test
    void pipelinedRequestsReceivedBeforeTheDrainAreAllAnsweredTheLastWithConnectionClose() {
        ManualClient client = kit.connect();
        client.send(get("/timer") + get("/fast") + get("/fast"));
        kit.runUntilIdle(); // the timer's route holds the two behind it

        kit.drain();
        kit.step();
        kit.advanceMs(SLOW_MS);

        List<ManualHttp.Answer> answers = ManualHttp.answers(client.receivedAscii());
        assertThat(answers).extracting(ManualHttp.Answer::status).containsExactly(200, 200, 200);
        assertThat(answers).extracting(ManualHttp.Answer::closes).containsExactly(false, false, true);
        assertThat(client.isClosedByServer()).isTrue();
    }

    @Test
    void aHeadBegunBeforeTheDrainIsAnsweredWhenItEnds() {
        ManualClient client = kit.connect();
        client.send("GET /fast HTTP/1.1\r\nHo");
        kit.runUntilIdle();

        kit.drain();
        kit.step();
        assertThat(client.isClosedByServer()).isFalse();
        client.send("st: t\r\n\r\n");
        kit.runUntilIdle();

        List<ManualHttp.Answer> answers = ManualHttp.answers(client.receivedAscii());
        assertThat(answers).extracting(ManualHttp.Answer::body).containsExactly("fast");
        assertThat(answers.get(0).closes()).isTrue();
        assertThat(client.isClosedByServer()).isTrue();
    }

    @Test
    void aConnectionThatHasNotSpokenYetIsNotCutButAnsweredOnce() {
        ManualClient accepted = kit.connect();
        kit.runUntilIdle(); // accepted, nothing sent yet: a client whose request is on its way
        ManualClient queued = kit.connect(); // in the listener's queue as the drain begins

        kit.drain();
        kit.step();
        assertThat(queued.isAccepted()).as("what the kernel queued is taken, not dropped").isTrue();
        assertThat(accepted.isClosedByServer()).isFalse();
        assertThat(queued.isClosedByServer()).isFalse();
        accepted.send(get("/fast"));
        queued.send(get("/fast"));
        kit.runUntilIdle();

        for (ManualClient client : List.of(accepted, queued)) {
            List<ManualHttp.Answer> answers = ManualHttp.answers(client.receivedAscii());
            assertThat(answers).extracting(ManualHttp.Answer::status).containsExactly(200);
            assertThat(answers.get(0).closes()).isTrue();
            assertThat(client.isClosedByServer()).isTrue();
        }
    }

    @Test
    void nothingConnectsOnceTheDrainHasBegun() {
        kit.drain();
        kit.step();

        assertThatThrownBy(kit::connect).isInstanceOf(IllegalStateException.class).hasMessageContaining("not listening");
    }

    @Test
    void aConnectionThatComesHomeDuringTheDrainBetweenRequestsCloses() {
        ManualClient client = kit.connect();
        client.send(get("/async"));
        kit.runUntilIdle(); // moved to the worker's loop, answering in SLOW_MS
        kit.advanceMs(SLOW_MS - 1);

        kit.drain();
        kit.step();
        assertThat(client.isClosedByServer()).isFalse();
        kit.advanceMs(1); // answered on the worker's loop, with Connection: close, then home
        kit.runUntilIdle();

        List<ManualHttp.Answer> answers = ManualHttp.answers(client.receivedAscii());
        assertThat(answers).extracting(ManualHttp.Answer::closes).containsExactly(true);
        assertThat(client.isClosedByServer()).isTrue();
    }
}
