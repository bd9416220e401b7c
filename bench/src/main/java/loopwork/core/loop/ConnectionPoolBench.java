package loopwork.core.loop;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import loopwork.core.LoopInfo;
import loopwork.core.TaskType;
import loopwork.core.Transport;
import loopwork.core.transport.TransportFamily;

/**
 * {@link ConnectionPool#take} then {@link ConnectionPool#release}: what a connection costs the pool from
 * accept to close, paid once per connection (ab's one-request connections pay it per request). The pool
 * is an accept loop's own, made by a real {@link AcceptLoop} that is never started nor bound: a small
 * one, since take and release touch only the top of the free stack.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ConnectionPoolBench {

    private TransportFamily transport;
    private AcceptLoop loop;
    private ConnectionPool pool;

    @Setup
    public void setUp() throws IOException {
        transport = TransportFamily.of(Transport.preferred());
        loop = new AcceptLoop(new LoopInfo(0, 64, 4096, 4096, LoopInfo.Role.ACCEPT_LOOP), (connection, in) -> { },
                new byte[0], new WorkerLoop[0], new TaskType[0], 64, transport, 5_000, null);
        pool = loop.pool;
    }

    @Benchmark
    public ConnectionContext takeRelease() {
        ConnectionContext context = pool.take();
        pool.release(context);
        return context;
    }

    /** What the loop's thread would do on its way out (its connections and listening socket), then its release. */
    @TearDown
    public void tearDown() throws IOException {
        loop.onClose();
        loop.release();
        transport.close();
    }
}
