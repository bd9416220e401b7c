package loopwork.http;

import static loopwork.http.ManualHttp.get;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import loopwork.core.ManualClient;
import loopwork.core.ManualKit;

/**
 * {@link HttpHandler} serving connections of a {@link ManualKit} (the in-memory transport, stepped by hand):
 * keep-alive, pipelining in order (behind a slow route too), a bad request's 400 and close, and one request
 * split at every byte, each answered as if it had come whole.
 */
@Timeout(30)
class HttpHandlerTest {

    private final HttpProtocol http = new HttpProtocol(List.of(ManualHttp.fixed("/a", "alpha"),
            ManualHttp.fixed("/b", "beta"), ManualHttp.fixed("/c", "gamma"), ManualHttp.task("/task")));
    private final ManualKit kit;

    HttpHandlerTest() throws IOException {
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
    void aKeptAliveConnectionServesOneRequestAfterAnother() {
        ManualClient client = kit.connect();
        client.send(get("/a"));
        kit.runUntilIdle();
        List<ManualHttp.Answer> first = ManualHttp.answers(client.receivedAscii());
        assertThat(first).singleElement().satisfies(answer -> {
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("alpha");
            assertThat(answer.closes()).isFalse();
            assertThat(answer.head()).as("HTTP/1.1 keeps alive unless told").doesNotContain("Connection:");
        });
        assertThat(client.isClosedByServer()).isFalse();
        client.send(get("/b"));
        kit.runUntilIdle();
        assertThat(ManualHttp.answers(client.receivedAscii())).extracting(ManualHttp.Answer::body)
                .containsExactly("beta");
        end(client);
        assertThat(kit.loopStats().get(0).accepted()).as("one connection for both").isEqualTo(1);
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() {
        ManualClient client = kit.connect();
        client.send(get("/c") + get("/a") + get("/nowhere") + get("/b"));
        kit.runUntilIdle();
        List<ManualHttp.Answer> answers = ManualHttp.answers(client.receivedAscii());
        assertThat(answers).extracting(ManualHttp.Answer::status).containsExactly(200, 200, 404, 200);
        assertThat(answers).extracting(ManualHttp.Answer::body).containsExactly("gamma", "alpha", "", "beta");
        end(client);
    }

    @Test
    void requestsPipelinedBehindASlowRouteWaitTheirTurn() {
        kit.pauseWorkers();
        ManualClient client = kit.connect();
        client.send(get("/task") + get("/a"));
        kit.runUntilIdle();
        assertThat(client.receivedAscii()).as("nothing before the task's answer").isEmpty();
        kit.resumeWorkers();
        kit.runUntilIdle();
        assertThat(ManualHttp.answers(client.receivedAscii())).extracting(ManualHttp.Answer::body)
                .containsExactly("", "alpha");
        end(client);
    }

    @Test
    void aBadRequestIsAnswered400AndClosedAndWhatFollowsIsNotRead() {
        ManualClient client = kit.connect();
        client.send("GET /a HTTP/1.1\r\nHost t\r\n\r\n" + get("/b"));
        kit.runUntilIdle();
        List<ManualHttp.Answer> answers = ManualHttp.answers(client.receivedAscii());
        assertThat(answers).extracting(ManualHttp.Answer::status).containsExactly(400);
        assertThat(answers.get(0).closes()).isTrue();
        assertThat(client.isClosedByServer()).isTrue();
        assertThat(client.wasReset()).isFalse();
        assertThat(http.stats().get(0).responses4xx()).isEqualTo(1);
        assertThat(http.stats().get(0).responses2xx()).isZero();
    }

    @Test
    void aRequestSplitAtAnyByteIsAnsweredAsIfItCameWhole() {
        String request = "GET /b?x=1 HTTP/1.1\r\nHost: t\r\nAccept: */*\r\nContent-Length: 3\r\n\r\nxyz";
        ManualHttp.Answer whole = answerTo(request);
        for (int split = 1; split < request.length(); split++) {
            ManualClient client = kit.connect();
            client.send(request.substring(0, split));
            kit.runUntilIdle();
            String early = client.receivedAscii();
            client.send(request.substring(split));
            kit.runUntilIdle();
            assertThat(ManualHttp.answers(early + client.receivedAscii())).as("split at %d", split)
                    .containsExactly(whole);
            end(client);
        }
        assertThat(http.stats().get(0).requests()).isEqualTo(request.length());
    }

    @Test
    void aRequestSentAByteAtATimeIsAnsweredOnce() {
        String request = "GET /c HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nok" + get("/a");
        ManualClient client = kit.connect();
        StringBuilder received = new StringBuilder();
        for (int i = 0; i < request.length(); i++) {
            client.send(request.substring(i, i + 1));
            kit.runUntilIdle();
            received.append(client.receivedAscii());
        }
        assertThat(ManualHttp.answers(received.toString())).extracting(ManualHttp.Answer::body)
                .containsExactly("gamma", "alpha");
        end(client);
    }

    /** What one connection receives for {@code request}, sent whole. */
    private ManualHttp.Answer answerTo(String request) {
        ManualClient client = kit.connect();
        client.send(request);
        kit.runUntilIdle();
        List<ManualHttp.Answer> answers = ManualHttp.answers(client.receivedAscii());
        assertThat(answers).hasSize(1);
        assertThat(answers.get(0).status()).isEqualTo(200);
        end(client);
        return answers.get(0);
    }

    /** The client half-closes; the server closes after what it owes. */
    private void end(ManualClient client) {
        client.shutdownOutput();
        kit.runUntilIdle();
        assertThat(client.isClosedByServer()).isTrue();
    }
}
