package loopwork.core.epoll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventFdTest {

    private static final long WAKE = -1L;

    @BeforeEach
    void available() {
        assumeThat(EpollSupport.isAvailable()).as("epoll: %s", EpollSupport.unavailabilityCause()).isTrue();
    }

    @Test
    void aWakeFromAnotherThreadEndsABlockedPoll() throws Exception {
        try (Epoll epoll = new Epoll(4); EventFd wakeup = new EventFd()) {
            assertThat(epoll.add(wakeup.fd(), Epoll.EPOLLIN, WAKE)).isZero();
            assertThat(epoll.poll(0)).as("not woken yet").isZero();
            assertThat(wakeup.reset()).as("nothing to reset").isZero();

            CountDownLatch polling = new CountDownLatch(1);
            AtomicInteger ready = new AtomicInteger(-100);
            AtomicLong data = new AtomicLong();
            AtomicLong blockedNs = new AtomicLong();
            Thread loop = Thread.ofPlatform().name("epoll-test-loop").start(() -> {
                polling.countDown();
                long start = System.nanoTime();
                int n = epoll.poll(20_000); // the wake must end it long before this
                blockedNs.set(System.nanoTime() - start);
                if (n > 0) {
                    data.set(epoll.data(0));
                }
                ready.set(n);
            });
            assertThat(polling.await(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(200); // let the loop thread reach epoll_wait
            assertThat(loop.isAlive()).isTrue();
            assertThat(wakeup.wake()).isTrue();
            loop.join(10_000);
            assertThat(loop.isAlive()).isFalse();
            assertThat(ready.get()).isEqualTo(1);
            assertThat(data.get()).isEqualTo(WAKE);
            assertThat(blockedNs.get()).as("woken, not timed out").isLessThan(TimeUnit.SECONDS.toNanos(10));
            System.out.printf("eventfd: poll blocked %.1f ms until woken%n", blockedNs.get() / 1e6);

            assertThat(wakeup.reset()).isEqualTo(1);
            assertThat(epoll.poll(0)).as("reset: no longer ready").isZero();
        }
    }

    @Test
    void wakesFromManyThreadsAddUpUntilReset() throws Exception {
        try (Epoll epoll = new Epoll(4); EventFd wakeup = new EventFd()) {
            assertThat(epoll.add(wakeup.fd(), Epoll.EPOLLIN | Epoll.EPOLLET, WAKE)).isZero();
            int threads = 4;
            int perThread = 1_000;
            Thread[] wakers = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                wakers[t] = Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < perThread; i++) {
                        wakeup.wake();
                    }
                });
            }
            for (Thread waker : wakers) {
                waker.join(10_000);
                assertThat(waker.isAlive()).isFalse();
            }
            assertThat(epoll.poll(1_000)).isEqualTo(1);
            assertThat(epoll.events(0) & Epoll.EPOLLIN).isNotZero();
            assertThat(wakeup.reset()).isEqualTo((long) threads * perThread);
            assertThat(wakeup.reset()).isZero();
            assertThat(epoll.poll(0)).isZero();
        }
    }

    @Test
    void wakeAfterCloseIsRefused() throws Exception {
        EventFd wakeup = new EventFd();
        wakeup.close();
        assertThat(wakeup.wake()).isFalse();
    }
}
