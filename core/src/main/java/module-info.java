/**
 * The Loopwork kit: event loops, connection pools, workers and task slots, serving any protocol written
 * against {@link loopwork.core.Protocol}. Only {@code loopwork.core} is API; the loops, transports, rings,
 * memory and logging are internal. {@code loopwork.core.metrics}, the single-writer counters, is open to the
 * HTTP protocol alone, which keeps its own counters with them.
 *
 * <p>The epoll transport and the pools' memory call native code through the FFM API: run with
 * {@code --enable-native-access=loopwork.core} (bin/jvm.options).
 */
@SuppressWarnings("module") // loopwork.http, named in a qualified export, is built after this module
module loopwork.core {
    exports loopwork.core;
    exports loopwork.core.metrics to loopwork.http;
}
