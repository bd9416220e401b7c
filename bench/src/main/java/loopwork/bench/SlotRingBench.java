package loopwork.bench;

import java.util.concurrent.TimeUnit;

import loopwork.core.ring.SlotPayload;
import loopwork.core.ring.SlotRing;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Control;

/**
 * {@link SlotRing}, the mailboxes and task rings between loops and workers: every offloaded task crosses
 * one twice (to the worker, and its completion back), as does every connection handed off or moved.
 * {@code cycle}: one thread claims, fills 16 bytes, commits, peeks and releases, the uncontended cost of a
 * message. {@code transfer}: one producer and one consumer thread on a ring of 1024, each op one message
 * claimed and filled or read and released, with the slot sequences and the tail bouncing between cores.
 * Its score swings with how the two threads are scheduled (on two cores, anything else running takes one
 * of theirs): compare runs made on an otherwise idle machine only.
 *
 * <p>White-box: {@code loopwork.core.ring} is internal to the module {@code loopwork.core}, and bench/jmh.sh
 * exports it to the benchmarks alone ({@code --add-exports}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SlotRingBench {

    static final int CAPACITY = 1024;

    /** The ring of {@code transfer}, shared by the two threads of a group. */
    @State(Scope.Group)
    public static class Ring {
        final SlotRing ring = new SlotRing(CAPACITY);
    }

    /** Each thread's own flyweight, as each loop and worker has. */
    @State(Scope.Thread)
    public static class View {
        final SlotPayload payload = new SlotPayload();
        long sequence;
    }

    /** The ring of {@code cycle}, the thread's own. */
    @State(Scope.Thread)
    public static class OwnRing {
        final SlotRing ring = new SlotRing(CAPACITY);
    }

    @Benchmark
    public long cycle(OwnRing own, View view) {
        SlotRing ring = own.ring;
        long position = ring.tryClaim();
        ring.header(position, 0, 1);
        view.payload.wrap(ring, position).putLong(0, ++view.sequence);
        view.payload.putLong(8, position);
        ring.commit(position);
        long next = ring.peek();
        long read = view.payload.wrap(ring, next).getLong(0) + view.payload.getLong(8) + ring.header(next, 0);
        ring.release(next);
        return read;
    }

    /** Waits until a slot is free; gives up only when JMH ends the iteration, so neither thread hangs. */
    @Benchmark
    @Group("transfer")
    public void producer(Ring shared, View view, Control control) {
        SlotRing ring = shared.ring;
        long position;
        for (int tries = 0; (position = ring.tryClaim()) < 0; tries++) {
            if (control.stopMeasurement) {
                return;
            }
            backOff(tries);
        }
        ring.header(position, 0, 1);
        view.payload.wrap(ring, position).putLong(0, ++view.sequence);
        view.payload.putLong(8, position);
        ring.commit(position);
    }

    @Benchmark
    @Group("transfer")
    public long consumer(Ring shared, View view, Control control) {
        SlotRing ring = shared.ring;
        long position;
        for (int tries = 0; (position = ring.peek()) < 0; tries++) {
            if (control.stopMeasurement) {
                return 0;
            }
            backOff(tries);
        }
        long read = view.payload.wrap(ring, position).getLong(0) + view.payload.getLong(8) + ring.header(position, 0);
        ring.release(position);
        return read;
    }

    /**
     * Spins a while, then yields: with two cores and two spinning threads, any third runnable thread (JIT,
     * GC, JMH's own) would otherwise leave the other side waiting out a whole scheduler slice.
     */
    private static void backOff(int tries) {
        if (tries < 256) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }
}
