package loopwork.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A hand-off in flight as the kit drains or stops, on both {@link SyncThreads} settings, over 127.0.0.1: the drain
 * lets it finish and answer, then closes its connection; {@link Kit#close(long)} fails its wait for the peer at
 * once and returns with every pool full; {@code close(0)} interrupts a handler that waits on something else.
 */
@Timeout(60)
class HandOffStopTest {

    /** Far longer than any case takes: a close that waited it out would fail the test's bound. */
    private static final long GRACE_MS = 30_000;

    private final CountDownLatch serving = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicReference<Throwable> seen = new AtomicReference<>();

    @ParameterizedTest
    @EnumSource(SyncThreads.class)
    void aHandOffInFlightAsTheDrainBeginsFinishesItsAnswerThenItsConnectionCloses(SyncThreads sync) throws Exception {
        Kit kit = start(sync, blocking -> {
            serving.countDown();
            release.await();
            blocking.write(("done on " + Thread.currentThread().isVirtual() + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return true;
        });
        try (Socket socket = Lines.connect(kit)) {
            Lines.send(socket, "x");
            assertThat(serving.await(10, TimeUnit.SECONDS)).isTrue();
            kit.drain();
            assertThat(kit.awaitDrained(200)).as("the hand-off holds its connection open").isFalse();
            release.countDown();
            assertThat(Lines.readLine(socket)).isEqualTo("done on " + (sync == SyncThreads.VIRTUAL));
            assertThat(Lines.readLine(socket)).as("at rest once home: the drain closes it").isNull();
            assertThat(kit.awaitDrained(10_000)).isTrue();
        } finally {
            closeAndCheck(kit, GRACE_MS);
        }
    }

    @ParameterizedTest
    @EnumSource(SyncThreads.class)
    void aCloseEndsAHandOffWaitingForItsPeerAtOnceAndReturnsWithEveryPoolFull(SyncThreads sync) throws Exception {
        Kit kit = start(sync, blocking -> {
            serving.countDown();
            try {
                blocking.read(); // the client never sends more
            } catch (IOException e) {
                seen.set(e);
                throw e;
            }
            return true;
        });
        try (Socket socket = Lines.connect(kit)) {
            Lines.send(socket, "x");
            assertThat(serving.await(10, TimeUnit.SECONDS)).isTrue();
            long tookMs = closeAndCheck(kit, GRACE_MS);
            assertThat(seen.get()).as("the read failed as the kit stopped").isInstanceOf(InterruptedIOException.class);
            assertThat(tookMs).as("no wait for the grace").isLessThan(GRACE_MS / 2);
        }
    }

    @ParameterizedTest
    @EnumSource(SyncThreads.class)
    void aCloseWithNoGraceInterruptsAHandlerThatWaitsOnSomethingElse(SyncThreads sync) throws Exception {
        Kit kit = start(sync, blocking -> {
            serving.countDown();
            try {
                release.await(); // never counted down: only an interrupt ends it
            } catch (InterruptedException e) {
                seen.set(e);
                throw e;
            }
            return true;
        });
        try (Socket socket = Lines.connect(kit)) {
            Lines.send(socket, "x");
            assertThat(serving.await(10, TimeUnit.SECONDS)).isTrue();
            long tookMs = closeAndCheck(kit, 0);
            assertThat(seen.get()).as("interrupted").isInstanceOf(InterruptedException.class);
            assertThat(tookMs).as("well within the interrupted threads' grace").isLessThan(GRACE_MS / 2);
        }
    }

    /** A kit of one loop and one worker whose every connection is handed to {@code handler} on its first bytes. */
    private static Kit start(SyncThreads sync, BlockingHandler handler) throws IOException {
        Protocol protocol = loop -> (connection, in) -> {
            in.position(in.limit());
            connection.handOff(handler);
        };
        Kit kit = Kit.builder().protocol(protocol).port(0).acceptThreads(1).workerThreads(1).acceptCapacity(4)
                .syncThreads(sync).build();
        kit.start();
        return kit;
    }

    /** Closes with {@code graceMs}, checks that nothing is away and every pool full; how long the close took. */
    private static long closeAndCheck(Kit kit, long graceMs) {
        long start = System.nanoTime();
        kit.close(graceMs);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        LoopStatistics loop = kit.loopStats().getFirst();
        assertThat(loop.away()).as("the hand-off came back").isZero();
        assertThat(loop.poolFree()).as("full as close returns").isEqualTo(loop.capacity());
        assertThat(loop.open()).isZero();
        return tookMs;
    }
}
