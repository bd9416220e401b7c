/** HTTP/1.1 on the Loopwork kit: {@link loopwork.http.HttpProtocol} and the routes it serves. */
module loopwork.http {
    requires transitive loopwork.core;

    exports loopwork.http;
}
