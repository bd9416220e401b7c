package loopwork.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The figures every Java service exports, under the names dashboards and alerts already use: the process's CPU
 * seconds, resident and virtual memory, open and maximum descriptors, start time ({@code process_*}), and the
 * JVM's heap and memory pools, GC pauses, threads, classes, buffer pools, JIT time and version ({@code jvm_*}).
 * They come from the Prometheus Java client's collectors ({@link JvmMetrics}), which read the MXBeans and
 * {@code /proc} when scraped, so they cost nothing between scrapes and nothing on the loops: the loops keep
 * their own single-writer counters, which {@link MetricsRoute} renders beside these.
 *
 * <p>Thread-safe: one registry for the process (the figures are the process's, whichever server asks), made
 * once; scrapes may come from any loop at once, which the registry allows.
 */
final class JvmFigures {

    private static final PrometheusTextFormatWriter TEXT = PrometheusTextFormatWriter.create();
    private static final AtomicBoolean LOADING = new AtomicBoolean();

    private JvmFigures() {
    }

    /** The collectors, registered when this class is first used: about 250 ms of CPU, mostly class loading. */
    private static final class Registry {
        static final PrometheusRegistry INSTANCE = new PrometheusRegistry();

        static {
            JvmMetrics.builder().register(INSTANCE);
        }
    }

    /**
     * Registers the collectors on a thread of their own, once per process, so that no scrape waits for them; one
     * that comes sooner, or in a process that never called this, registers them itself or waits for them (the
     * JVM's class initialization lock) and then has them all.
     */
    static void loadInBackground() {
        if (LOADING.compareAndSet(false, true)) {
            Thread.ofPlatform().daemon().name("loopwork-jvm-figures").start(() -> Registry.INSTANCE.hashCode());
        }
    }

    /** Appends the figures as read now, in the Prometheus text format 0.0.4. */
    static void render(StringBuilder out) {
        ByteArrayOutputStream text = new ByteArrayOutputStream(16_384);
        try {
            TEXT.write(text, Registry.INSTANCE.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        out.append(text.toString(StandardCharsets.UTF_8));
    }
}
