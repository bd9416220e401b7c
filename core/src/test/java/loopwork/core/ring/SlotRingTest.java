package loopwork.core.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

class SlotRingTest {

    @Test
    void claimFillCommitPeekRelease() {
        SlotRing ring = new SlotRing(2);
        SlotPayload payload = new SlotPayload();
        long first = ring.tryClaim();
        long second = ring.tryClaim();
        assertThat(ring.tryClaim()).as("full").isEqualTo(-1);
        ring.header(second, 1, 22);
        payload.wrap(ring, second).putLong(88, 222L);
        ring.commit(second);
        assertThat(ring.peek()).as("the first is claimed but not committed: nothing to read yet").isEqualTo(-1);
        ring.header(first, 1, 11);
        payload.wrap(ring, first).putLong(0, 111L);
        ring.commit(first);
        assertThat(ring.peek()).isEqualTo(first);
        assertThat(ring.header(first, 1)).isEqualTo(11);
        assertThat(payload.wrap(ring, first).getLong(0)).isEqualTo(111L);
        ring.release(first);
        assertThat(ring.peek()).isEqualTo(second);
        assertThat(payload.wrap(ring, second).getLong(88)).isEqualTo(222L);
        ring.release(second);
        assertThat(ring.isEmpty()).isTrue();
        long third = ring.tryClaim();
        assertThat(payload.wrap(ring, third).getLong(0)).as("a claimed slot starts zeroed").isZero();
    }

    @Test
    void capacityOneIsRefusedBecauseTheSequencesWouldCollide() {
        assertThatThrownBy(() -> new SlotRing(1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SlotRing(6)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void payloadAccessOutsideTheSlotThrows() {
        SlotRing ring = new SlotRing(2);
        SlotPayload payload = new SlotPayload().wrap(ring, ring.tryClaim());
        assertThatThrownBy(() -> payload.putLong(89, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> payload.getInt(93)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> payload.getByte(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        payload.putByte(95, (byte) 7);
        assertThat(payload.getByte(95)).isEqualTo((byte) 7);
    }

    /**
     * Four producers race one consumer through a small ring: nothing lost, duplicated or torn, order kept per producer.
     * The waiting sides yield rather than spin: five spinning threads on two cores shared with other work kept the
     * one thread that could make progress (a producer between claim and commit) off the CPU for a minute.
     */
    @Test
    void manyProducersOneConsumerStress() throws Exception {
        int producers = 4;
        int perProducer = 100_000;
        SlotRing ring = new SlotRing(64);
        CountDownLatch go = new CountDownLatch(1);
        Thread[] threads = new Thread[producers];
        for (int p = 0; p < producers; p++) {
            int producer = p;
            threads[p] = new Thread(() -> {
                SlotPayload payload = new SlotPayload();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perProducer; i++) {
                    long position;
                    long deadline = System.nanoTime() + 10_000_000_000L;
                    while ((position = ring.tryClaim()) < 0) {
                        if (System.nanoTime() - deadline > 0) {
                            throw new AssertionError("ring stayed full for 10 s");
                        }
                        Thread.yield(); // not a spin: on 2 busy cores the slot's holder may be the thread descheduled
                    }
                    ring.header(position, 0, producer);
                    ring.header(position, 1, i);
                    payload.wrap(ring, position).putLong(0, (long) i * 31 + producer);
                    payload.putLong(88, ~((long) i * 31 + producer));
                    ring.commit(position);
                }
            });
            threads[p].start();
        }
        go.countDown();
        int[] next = new int[producers];
        SlotPayload payload = new SlotPayload();
        long received = 0;
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (received < (long) producers * perProducer) {
            long position = ring.peek();
            if (position < 0) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("consumer starved at " + received);
                }
                Thread.yield(); // a producer preempted between its claim and its commit needs the core to finish
                continue;
            }
            int producer = ring.header(position, 0);
            int sequence = ring.header(position, 1);
            long value = payload.wrap(ring, position).getLong(0);
            if (sequence != next[producer] || value != (long) sequence * 31 + producer || payload.getLong(88) != ~value) {
                throw new AssertionError("producer " + producer + ": message " + sequence + " (expected "
                        + next[producer] + ") holds " + value);
            }
            next[producer]++;
            ring.release(position);
            received++;
        }
        for (Thread thread : threads) {
            thread.join(10_000);
        }
        assertThat(next).containsOnly(perProducer);
        assertThat(ring.isEmpty()).isTrue();
    }
}
