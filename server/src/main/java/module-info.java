/**
 * The Loopwork program. Exports nothing: it is run, not built on (its logging package is exported to java.logging alone) ({@code java -p ... -m
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
    requires jdk.unsupported; // sun.misc.Signal: a drain on the first SIGTERM, a stop on the second
    requires java.logging;

    opens loopwork.server to info.picocli;
    exports loopwork.server.log to java.logging; // its LogManager, which java.logging makes by reflection
}
