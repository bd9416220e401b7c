/**
 * The Loopwork program. Exports nothing: it is run, not built on ({@code java -p ... -m
 * loopwork.server/loopwork.server.Main}, as bin/loopwork does). Its options class is open to picocli, which
 * fills the annotated fields by reflection. The Prometheus Java client's jars, which read the JVM's and the
 * process's figures, are automatic modules (named by their manifests): they resolve on the module path, and a
 * jlink image takes them beside it, not into it.
 */
@SuppressWarnings("requires-automatic")
module loopwork.server {
    requires loopwork.http;
    requires info.picocli;
    requires io.prometheus.metrics.instrumentation.jvm;
    requires io.prometheus.metrics.model;
    requires io.prometheus.writer.text;
    // What those use, named here because automatic modules declare nothing: a module path built from this
    // descriptor (surefire's, and so the server processes tests start) must hold them too.
    requires io.prometheus.metrics.core;
    requires io.prometheus.metrics.config;
    requires io.prometheus.metrics.tracer.initializer;
    requires io.prometheus.metrics.tracer.common;
    requires io.prometheus.metrics.tracer.otel;
    requires io.prometheus.metrics.tracer.otel_agent;
    requires java.management;
    requires jdk.management;

    opens loopwork.server to info.picocli;
}
