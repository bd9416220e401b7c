package loopwork.http;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * How long requests took, per route: a histogram with fixed buckets for each route of the protocol, and one
 * more for requests that no route matched. A request's duration runs from its head parsed to its answer's
 * status line written (on the loop, on a worker's loop or on a worker's blocking side, wherever it is
 * answered); a large answer's rest and a stream's body may still follow. Both ends are the serving loop's
 * clock as read once per cycle ({@code Connection.nowNs()}), so a request answered in the cycle that parsed it
 * counts 0, in the first bucket, and one answered later is timed between the two cycles' reads. The buckets
 * are counted one by one (not cumulatively: a request touches one slot) and added up when read.
 *
 * <p>Not thread-safe: written only by the thread of the {@link HttpStats} holding it (asserted there); any
 * thread may read it, with opaque reads of what the writer published with opaque writes, as {@code Counter}
 * does: a reader sees recent values that never tear, and nothing stronger is needed for a scrape.
 */
public final class RequestDurations {

    /** Upper bounds of the buckets, in nanoseconds: from 100 µs (an answer made on the loop) to 10 s. */
    private static final long[] BOUNDS_NS = {100_000L, 250_000L, 500_000L, 1_000_000L, 2_500_000L, 5_000_000L,
            10_000_000L, 25_000_000L, 50_000_000L, 100_000_000L, 250_000_000L, 500_000_000L, 1_000_000_000L,
            2_500_000_000L, 5_000_000_000L, 10_000_000_000L};
    /** The same bounds in seconds, as Prometheus labels them ({@code le}); the last bucket is {@code +Inf}. */
    private static final String[] LABELS = {"0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01",
            "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0", "+Inf"};
    /** Buckets per route, the last one for everything over the largest bound. */
    public static final int BUCKETS = LABELS.length;
    /** Per route: its buckets, then the sum of its durations in nanoseconds. */
    private static final int STRIDE = BUCKETS + 1;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final int routes;
    private final long[] slots;

    /** Histograms for {@code routes} routes (the unmatched requests' one included), made once. */
    RequestDurations(int routes) {
        this.routes = routes;
        this.slots = new long[routes * STRIDE];
    }

    /** Counts a request of route {@code route} that took {@code durationNs}. Allocates nothing. */
    void record(int route, long durationNs) {
        assert route >= 0 && route < routes : "route " + route + " of " + routes;
        int bucket = 0;
        while (bucket < BOUNDS_NS.length && durationNs > BOUNDS_NS[bucket]) {
            bucket++;
        }
        int base = route * STRIDE;
        SLOT.setOpaque(slots, base + bucket, slots[base + bucket] + 1);
        SLOT.setOpaque(slots, base + BUCKETS, slots[base + BUCKETS] + Math.max(0, durationNs));
    }

    /** {@return the routes counted here, the unmatched requests' one included: a route index is below it} */
    public int routes() {
        return routes;
    }

    /**
     * {@return the requests of {@code route} that fell in {@code bucket} itself (not cumulative), a recent value}
     *
     * @param route  a route's index, in the order of {@link HttpProtocol#routePaths()}, or the last for the
     *               unmatched requests: 0 to {@link #routes()} - 1
     * @param bucket 0 to {@link #BUCKETS} - 1, its bound given by {@link #label}
     */
    public long count(int route, int bucket) {
        return (long) SLOT.getOpaque(slots, route * STRIDE + bucket);
    }

    /**
     * {@return the durations of the requests of {@code route} added up, in nanoseconds}
     *
     * @param route a route's index, as in {@link #count}
     */
    public long sumNs(int route) {
        return (long) SLOT.getOpaque(slots, route * STRIDE + BUCKETS);
    }

    /**
     * {@return the upper bound of {@code bucket} in seconds, as Prometheus's {@code le} label: "0.0001" to "+Inf"}
     *
     * @param bucket 0 to {@link #BUCKETS} - 1
     */
    public static String label(int bucket) {
        return LABELS[bucket];
    }
}
