package loopwork.core.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import loopwork.core.Connection;
import loopwork.core.ConnectionHandler;
import loopwork.core.LoopInfo;
import loopwork.core.TaskType;
import loopwork.core.Transport;
import loopwork.core.transport.TransportFamily;
import loopwork.core.transport.Transports;

/**
 * The owner checks of a loop's state, on an accept loop made alone (no listener bound): while its thread
 * runs, its pool, timers, task offload, mailbox, counters and contexts assert that only that thread uses
 * them; before it starts and after it ended, the test's thread may, as the thread building a kit does.
 * Each check here fails if its assert is taken out.
 */
class LoopOwnershipTest {

    private final TransportFamily transport = Transports.of(Transport.preferred());
    private final AcceptLoop loop;

    LoopOwnershipTest() throws IOException {
        LoopInfo info = new LoopInfo(0, 4, 1024, 1024, LoopInfo.Role.ACCEPT_LOOP);
        ConnectionHandler handler = new ConnectionHandler() {
            @Override
            public void onData(Connection connection, ByteBuffer in) {
                in.position(in.limit());
            }
        };
        loop = new AcceptLoop(info, handler, "busy\n".getBytes(StandardCharsets.US_ASCII), new WorkerLoop[0],
                new TaskType[0], 64, transport, 1_000, null);
    }

    @AfterEach
    void stop() throws InterruptedException {
        loop.stop();
        loop.thread().join(10_000);
        loop.release();
        transport.close();
    }

    @Test
    void theTestsRunWithAssertionsOn() {
        boolean on = false;
        assert on = true; // runs only with -ea
        assertThat(on).as("surefire runs the tests with -ea: the owner checks rest on it").isTrue();
    }

    @Test
    void beforeItsThreadStartsAndAfterItEndsAnyThreadMayUseTheLoop() throws InterruptedException {
        everyOwnerOnlyCall();
        loop.start();
        loop.stop();
        loop.thread().join(10_000);
        assertThat(loop.thread().isAlive()).isFalse();
        everyOwnerOnlyCall();
    }

    private void everyOwnerOnlyCall() {
        ConnectionContext context = loop.pool.take();
        loop.driver.timers.schedule(context, 5);
        loop.driver.timers.cancel(context);
        loop.driver.timers.expire(10);
        loop.pool.release(context);
        loop.driver.offload.expireQueued(0, loop.driver.events);
        assertThat(loop.mailbox.ring.peek()).isEqualTo(-1);
        loop.stats.accepted.increment();
        assertThat(loop.mailbox.reserve()).isTrue();
        loop.mailbox.unreserve();
        context.close(); // free: returns at once
        assertThat(context.inServingThread()).isTrue();
    }

    @Test
    void whileItsThreadRunsNoOtherThreadMayUseTheLoop() {
        ConnectionContext context = loop.pool.take(); // made before the thread starts, as accepting would
        loop.pool.release(context);
        loop.start();

        refused(() -> loop.pool.take(), "ConnectionPool.take");
        refused(() -> loop.pool.release(context), "ConnectionPool.release");
        refused(() -> loop.driver.timers.schedule(context, 5), "TimerWheel.schedule");
        refused(() -> loop.driver.timers.cancel(context), "TimerWheel.cancel");
        refused(() -> loop.driver.timers.expire(10), "TimerWheel.expire");
        refused(() -> loop.driver.offload.expireQueued(0, loop.driver.events), "TaskOffload.expireQueued");
        refused(() -> loop.driver.offload.tryClaim(context, 0, -1), "TaskOffload.tryClaim");
        refused(() -> loop.mailbox.ring.peek(), "peek");
        refused(() -> loop.mailbox.ring.release(0), "release");
        refused(() -> loop.mailbox.reserve(), "Mailbox.reserve");
        refused(() -> loop.doWork(), "doWork");
        refused(() -> loop.stats.accepted.increment(), "counter written by");
        refused(() -> loop.stats.counters.handlerErrors.increment(), "counter written by");
        refused(context::close, "close"); // a free context is its home loop's
        assertThat(context.inServingThread()).isFalse();

        // What other threads may do still works: post to the mailbox, read the counters.
        assertThat(loop.mailbox.ring.tryClaim()).isGreaterThanOrEqualTo(0);
        assertThat(loop.stats.accepted()).isZero();
    }

    private static void refused(ThrowingCallable call, String named) {
        assertThatThrownBy(call).isInstanceOf(AssertionError.class).hasMessageContaining(named)
                .hasMessageContaining(Thread.currentThread().getName());
    }
}
