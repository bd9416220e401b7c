/**
 * The Loopwork program. Exports nothing: it is run, not built on (its logging package is exported to java.logging alone) ({@code java -p ... -m
 * loopwork.server/loopwork.server.Main}, as bin/loopwork does). Its options class is open to picocli, which
 * fills the annotated fields by reflection.
 */
module loopwork.server {
    requires loopwork.http;
    requires info.picocli;
    requires java.management;
    requires jdk.management;
    requires jdk.unsupported; // sun.misc.Signal: a drain on the first SIGTERM, a stop on the second
    requires java.logging;

    opens loopwork.server to info.picocli;
    exports loopwork.server.log to java.logging; // its LogManager, which java.logging makes by reflection
}
