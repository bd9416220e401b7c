package loopwork.core;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A kit's list of the protocol's counters ({@link Kit#protocolCounters()}), and the {@link CounterRegistry} each
 * handler makes its own with.
 *
 * <p>Thread-safe: counters are added while the kit is built, on the main thread, and later by a worker growing
 * its virtual threads (each with a handler of its own); the list is read by any thread.
 */
final class ProtocolCounters {

    private final List<LoopCounter> counters = new CopyOnWriteArrayList<>();
    private final List<LoopCounter> view = Collections.unmodifiableList(counters);

    /** {@return the registry the handler for {@code loop} makes its counters with} */
    CounterRegistry of(LoopInfo loop) {
        return name -> {
            LoopCounter counter = new LoopCounter(Objects.requireNonNull(name, "name"), loop);
            counters.add(counter);
            return counter;
        };
    }

    /** {@return the counters in the order they were made: a live read-only view, the same on every call} */
    List<LoopCounter> view() {
        return view;
    }
}
