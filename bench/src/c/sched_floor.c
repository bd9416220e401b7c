// The scheduler's floor under a worker-thread design, with no server code at all: per sample, thread A
// wakes a sleeping thread B through an eventfd (a task handed to a worker), B sleeps MS milliseconds (the
// work) and wakes A through another eventfd (the answer). Prints, in ms over MS, p50 p90 p99 and max of
// the whole trip, and of B's wake-up after its sleep alone. /test/slow's answer crosses these three
// wake-ups and, in a server, its event loop's turns on a core as well; run by bench/sched-floor.sh.
//
//   sched_floor SAMPLES MS
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

static int to_b, to_a, samples;
static long sleep_ns, *trip, *oversleep;

static long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

static int by_value(const void *x, const void *y) {
    long a = *(const long *) x, b = *(const long *) y;
    return a < b ? -1 : a > b;
}

static void *worker(void *unused) {
    uint64_t v;
    for (int i = 0; i < samples; i++) {
        if (read(to_b, &v, 8) != 8) exit(1);
        struct timespec d = {sleep_ns / 1000000000L, sleep_ns % 1000000000L};
        long t0 = now_ns();
        nanosleep(&d, NULL);
        oversleep[i] = now_ns() - t0 - sleep_ns;
        v = 1;
        if (write(to_a, &v, 8) != 8) exit(1);
    }
    return unused;
}

static void report(const char *what, long *s) {
    qsort(s, samples, sizeof(long), by_value);
    printf("%-40s p50 %.2f  p90 %.2f  p99 %.2f  max %.2f ms over %ld ms\n", what, s[samples / 2] / 1e6,
           s[samples * 9 / 10] / 1e6, s[samples * 99 / 100] / 1e6, s[samples - 1] / 1e6, sleep_ns / 1000000);
}

int main(int argc, char **argv) {
    samples = argc > 1 ? atoi(argv[1]) : 300;
    sleep_ns = (argc > 2 ? atol(argv[2]) : 30) * 1000000L;
    if (samples < 100 || samples > 1000000 || sleep_ns < 0) {
        fprintf(stderr, "usage: sched_floor SAMPLES(100..1000000) MS\n");
        return 2;
    }
    trip = calloc(samples, sizeof(long));
    oversleep = calloc(samples, sizeof(long));
    to_b = eventfd(0, 0);
    to_a = eventfd(0, 0);
    pthread_t b;
    pthread_create(&b, NULL, worker, NULL);
    uint64_t v;
    for (int i = 0; i < samples; i++) {
        long t0 = now_ns();
        v = 1;
        if (write(to_b, &v, 8) != 8 || read(to_a, &v, 8) != 8) return 1;
        trip[i] = now_ns() - t0 - sleep_ns;
        usleep(1000); // as a client between requests
    }
    pthread_join(b, NULL);
    report("trip (hand-off, sleep, answer):", trip);
    report("the sleeper's wake-up alone:", oversleep);
    return 0;
}
