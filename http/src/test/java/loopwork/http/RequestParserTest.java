package loopwork.http;

import static loopwork.http.HeadReader.bytes;
import static loopwork.http.HeadReader.printable;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link RequestParser} on its own, with docs/http.md's "Hostile clients" rules as tables: what a valid head
 * gives (see {@link HeadReader#describe}), and the status each invalid one gets. Every case is also given
 * split in two at every byte, and byte by byte, as a socket may deliver it: the parser must wait (or refuse
 * already, with the same status), and then reach the one-piece result.
 */
class RequestParserTest {

    /** A case: its name, the bytes, and the outcome as {@link HeadReader#describe} puts it. */
    record Case(String name, String request, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Bytes after a valid head: its body or the next request, which the head's length must stop before. */
    static final String AFTER = "GET /next HTTP/1.1\r\nHost: b\r\n\r\n";
    private static final String H = "Host: a\r\n";

    static final List<Case> VALID = List.of(
            // Request line: methods, targets, versions.
            new Case("GET", "GET / HTTP/1.1\r\n" + H + "\r\n", "GET 1.1 / hosts=1"),
            new Case("HEAD", "HEAD /x HTTP/1.1\r\n" + H + "\r\n", "HEAD 1.1 /x hosts=1"),
            new Case("POST is a method of its own", "POST /x HTTP/1.1\r\n" + H + "\r\n", "POST 1.1 /x hosts=1"),
            new Case("methods are case-sensitive", "get / HTTP/1.1\r\n" + H + "\r\n", "OTHER 1.1 / hosts=1"),
            new Case("GETS is not GET", "GETS / HTTP/1.1\r\n" + H + "\r\n", "OTHER 1.1 / hosts=1"),
            new Case("HEA is not HEAD", "HEA / HTTP/1.1\r\n" + H + "\r\n", "OTHER 1.1 / hosts=1"),
            new Case("every tchar in a method", "!#$%&'*+-.^_`|~09AZaz / HTTP/1.1\r\n" + H + "\r\n",
                    "OTHER 1.1 / hosts=1"),
            new Case("path ends at the query", "GET /a/b?x=1&y=2 HTTP/1.1\r\n" + H + "\r\n", "GET 1.1 /a/b hosts=1"),
            new Case("path ends at the first ?", "GET /a??b?c HTTP/1.1\r\n" + H + "\r\n", "GET 1.1 /a hosts=1"),
            new Case("empty query", "GET /? HTTP/1.1\r\n" + H + "\r\n", "GET 1.1 / hosts=1"),
            new Case("? past the first word", "GET /0123456789abcdef?q HTTP/1.1\r\n" + H + "\r\n",
                    "GET 1.1 /0123456789abcdef hosts=1"),
            new Case("asterisk-form", "OPTIONS * HTTP/1.1\r\n" + H + "\r\n", "OPTIONS 1.1 * hosts=1"),
            new Case("absolute-form is a path here", "GET http://a/x?y HTTP/1.1\r\n" + H + "\r\n",
                    "GET 1.1 http://a/x hosts=1"),
            new Case("target of every visible byte", "GET /!\"#$%&'()*+,-./09:;<=>@AZ[\\]^_`az{|}~ HTTP/1.1\r\n" + H
                    + "\r\n", "GET 1.1 /!\"#$%&'()*+,-./09:;<=>@AZ[\\]^_`az{|}~ hosts=1"),
            new Case("target at --max-target", "GET /" + "a".repeat(63) + " HTTP/1.1\r\n" + H + "\r\n",
                    "GET 1.1 /" + "a".repeat(63) + " hosts=1"),
            new Case("HTTP/1.0 needs no Host", "GET / HTTP/1.0\r\n\r\n", "GET 1.0 / hosts=0"),
            new Case("HTTP/1.0 with a Host", "GET / HTTP/1.0\r\n" + H + "\r\n", "GET 1.0 / hosts=1"),
            new Case("HTTP/1.2 is 1.1", "GET / HTTP/1.2\r\n" + H + "\r\n", "GET 1.1 / hosts=1"),
            new Case("HTTP/1.9 is 1.1", "GET / HTTP/1.9\r\n" + H + "\r\n", "GET 1.1 / hosts=1"),
            new Case("empty lines before the request line", "\r\n\r\nGET / HTTP/1.1\r\n" + H + "\r\n",
                    "GET 1.1 / hosts=1"),
            new Case("bare LF before the request line", "\nGET / HTTP/1.1\r\n" + H + "\r\n", "GET 1.1 / hosts=1"),
            new Case("bare LF line ends", "GET / HTTP/1.1\nHost: a\n\n", "GET 1.1 / hosts=1"),
            new Case("bare LF at the head's end only", "GET / HTTP/1.1\r\nHost: a\r\n\n", "GET 1.1 / hosts=1"),
            // Field syntax.
            new Case("names are case-insensitive", "GET / HTTP/1.1\r\nhOsT: a\r\nCONTENT-length: 5\r\n\r\n",
                    "GET 1.1 / cl=5 hosts=1"),
            new Case("no space after the colon", "GET / HTTP/1.1\r\nHost:a\r\n\r\n", "GET 1.1 / hosts=1"),
            new Case("OWS around a value", "GET / HTTP/1.1\r\nHost: \t a \t \r\nContent-Length:\t 7 \t\r\n\r\n",
                    "GET 1.1 / cl=7 hosts=1"),
            new Case("empty values", "GET / HTTP/1.1\r\nHost:\r\nX-Empty: \r\n\r\n", "GET 1.1 / hosts=1"),
            new Case("every tchar in a name", "GET / HTTP/1.1\r\n" + H + "!#$%&'*+-.^_`|~09AZaz: x\r\n\r\n",
                    "GET 1.1 / hosts=1"),
            new Case("colons, tabs, quotes and obs-text in a value",
                    "GET / HTTP/1.1\r\n" + H + "X: a:b\t\"c\" \u0080\u00ff ~\r\n\r\n", "GET 1.1 / hosts=1"),
            new Case("values over several words", "GET / HTTP/1.1\r\nX-Long: " + "v".repeat(45) + "\r\n" + H
                    + "Y: 0123456\r\n\r\n", "GET 1.1 / hosts=1"),
            new Case("names like known ones are other fields", "GET / HTTP/1.1\r\n" + H
                    + "Hosts: b\r\nContent-Lengths: x\r\nTransfer-Encodings: x\r\nExpected: x\r\n"
                    + "Connections: close\r\n\r\n",
                    "GET 1.1 / hosts=1"),
            // Content-Length.
            new Case("Content-Length 0", "POST / HTTP/1.1\r\n" + H + "Content-Length: 0\r\n\r\n",
                    "POST 1.1 / cl=0 hosts=1"),
            new Case("Content-Length at --max-body", "POST / HTTP/1.1\r\n" + H + "Content-Length: 1000\r\n\r\n",
                    "POST 1.1 / cl=1000 hosts=1"),
            new Case("Content-Length leading zeros", "POST / HTTP/1.1\r\n" + H + "Content-Length: 0007\r\n\r\n",
                    "POST 1.1 / cl=7 hosts=1"),
            new Case("Content-Length list of one value", "POST / HTTP/1.1\r\n" + H
                    + "Content-Length: 5, 5,5 ,\t5\r\n\r\n",
                    "POST 1.1 / cl=5 hosts=1"),
            new Case("Content-Length twice, same value", "POST / HTTP/1.1\r\n" + H
                    + "Content-Length: 5\r\nContent-Length: 5\r\n\r\n", "POST 1.1 / cl=5 hosts=1"),
            new Case("Content-Length in HTTP/1.0", "POST / HTTP/1.0\r\nContent-Length: 3\r\n\r\n",
                    "POST 1.0 / cl=3 hosts=0"),
            // Transfer-Encoding and Expect.
            new Case("chunked", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n",
                    "POST 1.1 / chunked hosts=1"),
            new Case("CHUNKED, with OWS", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding:  CHUNKED \r\n\r\n",
                    "POST 1.1 / chunked hosts=1"),
            new Case("100-continue", "POST / HTTP/1.1\r\n" + H + "Expect: 100-Continue\r\nContent-Length: 2\r\n\r\n",
                    "POST 1.1 / cl=2 100-continue hosts=1"),
            new Case("100-continue in HTTP/1.0", "POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n",
                    "POST 1.0 / cl=2 100-continue hosts=0"),
            // Connection options.
            new Case("Connection: close", "GET / HTTP/1.1\r\n" + H + "Connection: close\r\n\r\n",
                    "GET 1.1 / close hosts=1"),
            new Case("Connection: keep-alive in 1.0", "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
                    "GET 1.0 / keep-alive hosts=0"),
            new Case("Connection list", "GET / HTTP/1.1\r\n" + H + "Connection: Upgrade,CLOSE , keep-alive\r\n\r\n",
                    "GET 1.1 / close keep-alive hosts=1"),
            new Case("Connection options like close", "GET / HTTP/1.1\r\n" + H
                    + "Connection: closed, keep-alives, x-close\r\n\r\n",
                    "GET 1.1 / hosts=1"),
            new Case("Connection in two fields", "GET / HTTP/1.1\r\n" + H
                    + "Connection: foo\r\nConnection: close\r\n\r\n",
                    "GET 1.1 / close hosts=1"));

    static final List<Case> INVALID = List.of(
            // Request line.
            new Case("empty method", " / HTTP/1.1\r\n" + H + "\r\n", "400"),
            new Case("tab in method", "G\tET / HTTP/1.1\r\n" + H + "\r\n", "400"),
            new Case("non-tchar in method", "GE(T / HTTP/1.1\r\n" + H + "\r\n", "400"),
            new Case("NUL in method", "GE\u0000T / HTTP/1.1\r\n" + H + "\r\n", "400"),
            new Case("tab after method", "GET\t/ HTTP/1.1\r\n" + H + "\r\n", "400"),
            new Case("method alone", "GET\r\n" + H + "\r\n", "400"),
            new Case("two spaces after method", "GET  / HTTP/1.1\r\n" + H + "\r\n", "400"),
            new Case("no target", "GET HTTP/1.1\r\n" + H + "\r\n", "400"),
            new Case("no version", "GET /\r\n" + H + "\r\n", "400"),
            new Case("tab in target", "GET /a\tb HTTP/1.1\r\n" + H + "\r\n", "400"),
            new Case("NUL in target", "GET /a\u0000b HTTP/1.1\r\n" + H + "\r\n", "400"),
            new Case("DEL in target", "GET /a\u007fb HTTP/1.1\r\n" + H + "\r\n", "400"),
            new Case("obs-text in target", "GET /a\u0080b HTTP/1.1\r\n" + H + "\r\n", "400"),
            new Case("bad byte past the first word of a target", "GET /0123456789abcdef\u00ff HTTP/1.1\r\n" + H
                    + "\r\n", "400"),
            new Case("two spaces before version", "GET /  HTTP/1.1\r\n" + H + "\r\n", "400"),
            new Case("lower-case version", "GET / http/1.1\r\n" + H + "\r\n", "400"),
            new Case("version without minor", "GET / HTTP/1\r\n" + H + "\r\n", "400"),
            new Case("version with no dot", "GET / HTTP/11\r\n" + H + "\r\n", "400"),
            new Case("version of letters", "GET / HTTP/A.B\r\n" + H + "\r\n", "400"),
            new Case("two-digit minor", "GET / HTTP/1.10\r\n" + H + "\r\n", "400"),
            new Case("space after version", "GET / HTTP/1.1 \r\n" + H + "\r\n", "400"),
            new Case("HTTP/2.0", "GET / HTTP/2.0\r\n" + H + "\r\n", "505"),
            new Case("HTTP/0.9", "GET / HTTP/0.9\r\n" + H + "\r\n", "505"),
            new Case("HTTP/3.1", "GET / HTTP/3.1\r\n" + H + "\r\n", "505"),
            new Case("bare CR before the request line", "\rGET / HTTP/1.1\r\n" + H + "\r\n", "400"),
            new Case("CR CR LF before the request line", "\r\r\nGET / HTTP/1.1\r\n" + H + "\r\n", "400"),
            new Case("bare CR after request line", "GET / HTTP/1.1\rHost: a\r\n\r\n", "400"),
            new Case("CR CR LF after request line", "GET / HTTP/1.1\r\r\n" + H + "\r\n", "400"),
            // Field syntax.
            new Case("space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", "400"),
            new Case("tab before colon", "GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", "400"),
            new Case("obs-fold", "GET / HTTP/1.1\r\n" + H + "X: a\r\n b\r\n\r\n", "400"),
            new Case("obs-fold with tab", "GET / HTTP/1.1\r\n" + H + "X: a\r\n\tb\r\n\r\n", "400"),
            new Case("whitespace before the first field", "GET / HTTP/1.1\r\n " + H + "\r\n", "400"),
            new Case("no colon", "GET / HTTP/1.1\r\n" + H + "X a\r\n\r\n", "400"),
            new Case("no colon, line ends", "GET / HTTP/1.1\r\n" + H + "Xa\r\n\r\n", "400"),
            new Case("empty name", "GET / HTTP/1.1\r\n" + H + ": x\r\n\r\n", "400"),
            new Case("non-tchar in name", "GET / HTTP/1.1\r\n" + H + "X(y): x\r\n\r\n", "400"),
            new Case("obs-text in name", "GET / HTTP/1.1\r\n" + H + "X\u00e9: x\r\n\r\n", "400"),
            new Case("NUL in value", "GET / HTTP/1.1\r\n" + H + "X: a\u0000b\r\n\r\n", "400"),
            new Case("SOH in value", "GET / HTTP/1.1\r\n" + H + "X: \u0001\r\n\r\n", "400"),
            new Case("VT in value", "GET / HTTP/1.1\r\n" + H + "X: a\u000bb\r\n\r\n", "400"),
            new Case("US in value", "GET / HTTP/1.1\r\n" + H + "X: a\u001fb\r\n\r\n", "400"),
            new Case("DEL in value", "GET / HTTP/1.1\r\nHost: a\u007f\r\n\r\n", "400"),
            new Case("control past the first word of a value", "GET / HTTP/1.1\r\n" + H
                    + "X: 0123456789abcdef\u0002\r\n\r\n", "400"),
            new Case("bare CR in value", "GET / HTTP/1.1\r\n" + H + "X: a\rb\r\n\r\n", "400"),
            new Case("bare CR at a line's end", "GET / HTTP/1.1\r\n" + H + "X: a\r\r\n\r\n", "400"),
            new Case("bare CR at the head's end", "GET / HTTP/1.1\r\n" + H + "\rX", "400"),
            new Case("CR CR at the head's end", "GET / HTTP/1.1\r\n" + H + "\r\r\n", "400"),
            // Host.
            new Case("HTTP/1.1 without Host", "GET / HTTP/1.1\r\nX: a\r\n\r\n", "400"),
            new Case("HTTP/1.1 with two Hosts", "GET / HTTP/1.1\r\n" + H + "host: b\r\n\r\n", "400"),
            new Case("HTTP/1.1 with two empty Hosts", "GET / HTTP/1.1\r\nHost:\r\nHost:\r\n\r\n", "400"),
            new Case("HTTP/1.0 with two Hosts", "GET / HTTP/1.0\r\n" + H + H + "\r\n", "400"),
            // Content-Length.
            new Case("Content-Length empty", "POST / HTTP/1.1\r\n" + H + "Content-Length: \r\n\r\n", "400"),
            new Case("Content-Length not a number", "POST / HTTP/1.1\r\n" + H + "Content-Length: abc\r\n\r\n", "400"),
            new Case("Content-Length negative", "POST / HTTP/1.1\r\n" + H + "Content-Length: -1\r\n\r\n", "400"),
            new Case("Content-Length with a sign", "POST / HTTP/1.1\r\n" + H + "Content-Length: +1\r\n\r\n", "400"),
            new Case("Content-Length hex", "POST / HTTP/1.1\r\n" + H + "Content-Length: 0x5\r\n\r\n", "400"),
            new Case("Content-Length fraction", "POST / HTTP/1.1\r\n" + H + "Content-Length: 1.5\r\n\r\n", "400"),
            new Case("Content-Length two numbers", "POST / HTTP/1.1\r\n" + H + "Content-Length: 5 5\r\n\r\n", "400"),
            new Case("Content-Length list of different values", "POST / HTTP/1.1\r\n" + H
                    + "Content-Length: 5, 6\r\n\r\n", "400"),
            new Case("Content-Length twice, different values", "POST / HTTP/1.1\r\n" + H
                    + "Content-Length: 5\r\nContent-Length: 50\r\n\r\n", "400"),
            new Case("Content-Length trailing comma", "POST / HTTP/1.1\r\n" + H + "Content-Length: 5,\r\n\r\n", "400"),
            new Case("Content-Length leading comma", "POST / HTTP/1.1\r\n" + H + "Content-Length: ,5\r\n\r\n", "400"),
            new Case("Content-Length empty member", "POST / HTTP/1.1\r\n" + H + "Content-Length: 5,,5\r\n\r\n", "400"),
            new Case("Content-Length Long.MAX_VALUE", "POST / HTTP/1.1\r\n" + H
                    + "Content-Length: 9223372036854775807\r\n\r\n", "400"),
            new Case("Content-Length overflowing", "POST / HTTP/1.1\r\n" + H
                    + "Content-Length: 99999999999999999999\r\n\r\n", "400"),
            new Case("Content-Length overflowing to a small value", "POST / HTTP/1.1\r\n" + H
                    + "Content-Length: 18446744073709551621\r\n\r\n", "400"),
            // Smuggling: framing given twice, or chunked where it does not exist.
            new Case("Content-Length then Transfer-Encoding", "POST / HTTP/1.1\r\n" + H
                    + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", "400"),
            new Case("Transfer-Encoding then Content-Length", "POST / HTTP/1.1\r\n" + H
                    + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", "400"),
            new Case("Content-Length with an unsupported coding", "POST / HTTP/1.1\r\n" + H
                    + "Transfer-Encoding: gzip\r\nContent-Length: 5\r\n\r\n", "400"),
            new Case("Transfer-Encoding in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", "400"),
            // Transfer codings.
            new Case("gzip", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: gzip\r\n\r\n", "501"),
            new Case("gzip, chunked", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: gzip, chunked\r\n\r\n", "501"),
            new Case("chunked, gzip", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked, gzip\r\n\r\n", "501"),
            new Case("chunked, chunked", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked, chunked\r\n\r\n",
                    "501"),
            new Case("chunked in two fields", "POST / HTTP/1.1\r\n" + H
                    + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", "501"),
            new Case("identity", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: identity\r\n\r\n", "501"),
            new Case("empty coding", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: \r\n\r\n", "501"),
            new Case("chunked with a parameter", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked;q=1\r\n\r\n",
                    "501"),
            // Expectations.
            new Case("unknown expectation", "POST / HTTP/1.1\r\n" + H + "Expect: tea\r\n\r\n", "417"),
            new Case("100-continue twice", "POST / HTTP/1.1\r\n" + H
                    + "Expect: 100-continue\r\nExpect: 100-continue\r\n\r\n", "417"),
            new Case("100-continue and more", "POST / HTTP/1.1\r\n" + H + "Expect: 100-continue, x\r\n\r\n", "417"),
            // Limits.
            new Case("target over --max-target", "GET /" + "a".repeat(64) + " HTTP/1.1\r\n" + H + "\r\n", "414"),
            new Case("target over --max-target, a bad byte after", "GET /" + "a".repeat(70) + "\u0000 HTTP/1.1\r\n" + H
                    + "\r\n", "414"),
            new Case("target over --max-target, never ending", "GET /" + "a".repeat(65), "414"),
            new Case("Content-Length over --max-body", "POST / HTTP/1.1\r\n" + H + "Content-Length: 1001\r\n\r\n",
                    "413"),
            new Case("Content-Length far over --max-body", "POST / HTTP/1.1\r\n" + H
                    + "Content-Length: 922337203685477579\r\n\r\n", "413"),
            new Case("head over --max-head", "GET / HTTP/1.1\r\n" + H + "X: " + "v".repeat(HeadReader.CAPACITY)
                    + "\r\n\r\n", "431"),
            new Case("empty lines over --max-head", "\r\n".repeat(HeadReader.CAPACITY / 2), "431"),
            new Case("method over --max-head", "G".repeat(HeadReader.CAPACITY), "431"),
            // Which check wins when several fail.
            new Case("no Host before smuggling",
                    "POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", "400"),
            new Case("smuggling before too large", "POST / HTTP/1.1\r\n" + H
                    + "Content-Length: 5000\r\nTransfer-Encoding: chunked\r\n\r\n", "400"),
            new Case("unsupported coding before expectation", "POST / HTTP/1.1\r\n" + H
                    + "Transfer-Encoding: gzip\r\nExpect: tea\r\n\r\n", "501"),
            new Case("too large before expectation", "POST / HTTP/1.1\r\n" + H
                    + "Content-Length: 5000\r\nExpect: tea\r\n\r\n", "413"),
            new Case("syntax before Host", "GET / HTTP/1.1\r\nX : a\r\n\r\n", "400"),
            // Not a whole head yet.
            new Case("nothing", "", HeadReader.INCOMPLETE),
            new Case("empty lines only", "\r\n\r\n\n", HeadReader.INCOMPLETE),
            new Case("request line only", "GET / HTTP/1.1\r\n", HeadReader.INCOMPLETE),
            new Case("no empty line", "GET / HTTP/1.1\r\n" + H, HeadReader.INCOMPLETE),
            new Case("CR of the empty line", "GET / HTTP/1.1\r\n" + H + "\r", HeadReader.INCOMPLETE),
            new Case("target at --max-target, cut", "GET /" + "a".repeat(63), HeadReader.INCOMPLETE));

    static Stream<Case> valid() {
        return VALID.stream();
    }

    static Stream<Case> invalid() {
        return INVALID.stream();
    }

    static Stream<Case> all() {
        return Stream.concat(valid(), invalid());
    }

    /** What the case's bytes are: a valid head is followed by a body or the next request, which it must leave. */
    static byte[] input(Case c) {
        return bytes(VALID.contains(c) ? c.request + AFTER : c.request);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void validHead(Case c) {
        HeadReader reader = new HeadReader(0);
        byte[] bytes = input(c);
        assertThat(reader.present(bytes, bytes.length)).as(printable(bytes)).isEqualTo(c.expected);
        assertThat(reader.result).as("the head's length").isEqualTo(c.request.length());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidHead(Case c) {
        byte[] bytes = input(c);
        assertThat(HeadReader.read(bytes)).as(printable(bytes)).isEqualTo(c.expected);
    }

    /** After another request's bytes, at an offset no word is aligned to: the same outcome. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("all")
    void sameAfterEarlierBytes(Case c) {
        byte[] bytes = input(c);
        for (int start = 1; start < 8; start++) {
            HeadReader reader = new HeadReader(start);
            assertThat(reader.present(bytes, bytes.length)).as("at " + start + ": " + printable(bytes))
                    .isEqualTo(c.expected);
        }
    }

    /**
     * Split in two at every byte: the first piece must wait, or already give the final status; then, with
     * the rest arrived and the head parsed again from its start, the outcome is the one-piece one.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("all")
    void splitAtEveryByte(Case c) {
        byte[] bytes = input(c);
        for (int start : new int[] {0, 3}) {
            for (int split = 0; split <= bytes.length; split++) {
                HeadReader reader = new HeadReader(start);
                String first = reader.present(bytes, split);
                String at = "split at " + split + " of " + printable(bytes);
                if (first.equals(HeadReader.INCOMPLETE)) {
                    assertThat(reader.present(bytes, bytes.length)).as(at).isEqualTo(c.expected);
                } else {
                    assertThat(first).as("decided early, " + at).isEqualTo(c.expected);
                }
            }
        }
    }

    /** Byte by byte, the head parsed again from its start at each: every step waits until the outcome. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("all")
    void byteByByte(Case c) {
        byte[] bytes = input(c);
        HeadReader reader = new HeadReader(5);
        String outcome = reader.present(bytes, 0);
        for (int length = 1; length <= bytes.length && outcome.equals(HeadReader.INCOMPLETE); length++) {
            outcome = reader.present(bytes, length);
        }
        assertThat(outcome).as(printable(bytes)).isEqualTo(c.expected);
    }

    /**
     * The fuzz's oracle, {@link ReferenceHead}, against the tables: it must agree with every case it can
     * decide, so that where it disagrees with the parser on a mutant, one of the two is wrong.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("all")
    void referenceAgrees(Case c) {
        byte[] bytes = input(c);
        String verdict = ReferenceHead.verdict(bytes, Math.min(bytes.length, HeadReader.CAPACITY), HeadReader.LIMITS);
        if (VALID.contains(c)) {
            assertThat(verdict).isEqualTo(c.expected + " head=" + c.request.length());
        } else if (verdict == null) { // no whole head: the parser waits, or refuses at a bad byte already
            assertThat(c.expected).isIn(HeadReader.INCOMPLETE, "431", "414", "400");
        } else {
            assertThat(verdict).isEqualTo(c.expected);
        }
    }
}
