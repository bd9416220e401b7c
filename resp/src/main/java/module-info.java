/**
 * A Redis-protocol (RESP2) subset on the Loopwork kit, built on its public API alone ({@code loopwork.core}):
 * {@link loopwork.resp.RespProtocol}, and {@code loopwork.resp.RespMain}, which {@code bin/resp} runs.
 */
module loopwork.resp {
    requires transitive loopwork.core;
    requires jdk.unsupported; // sun.misc.Signal: a drain on the first SIGTERM, a stop on the second

    exports loopwork.resp;
}
