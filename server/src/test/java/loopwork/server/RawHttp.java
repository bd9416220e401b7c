package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A raw-socket HTTP client for tests: sends exact bytes, reads responses one at a time. */
final class RawHttp implements AutoCloseable {

    static final String FAST = "GET /test/fast HTTP/1.1\r\nHost: t\r\n\r\n";
    static final String SLOW = "GET /test/slow HTTP/1.1\r\nHost: t\r\n\r\n";
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^content-length:\\s*(\\d+)\\s*$");

    /** A parsed response: status line, the whole head, and the body. */
    record Response(int status, String head, String body) {
        boolean closes() {
            return head.toLowerCase().contains("\r\nconnection: close\r\n");
        }
    }

    final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawHttp(int port) throws IOException {
        this(port, 10_000);
    }

    RawHttp(int port, int timeoutMs) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMs);
        socket.setSoTimeout(timeoutMs);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    RawHttp send(String request) throws IOException {
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    /** Reads one response (head and Content-Length body); null when the server closed first. */
    Response read() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new IOException("closed inside a response head: " + head);
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String headText = head.toString(StandardCharsets.ISO_8859_1);
        if (!headText.startsWith("HTTP/1.1 ")) {
            throw new IOException("not an HTTP/1.1 status line: " + headText);
        }
        int status = Integer.parseInt(headText.substring(9, 12));
        Matcher length = CONTENT_LENGTH.matcher(headText);
        int bodyLength = length.find() ? Integer.parseInt(length.group(1)) : 0;
        byte[] body = in.readNBytes(bodyLength);
        return new Response(status, headText, new String(body, StandardCharsets.UTF_8));
    }

    /** Sends a request and reads its response. */
    Response exchange(String request) throws IOException {
        return send(request).read();
    }

    /** True when the server has closed: EOF (or a reset) within the timeout. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    /**
     * Sends {@code raw} on a new connection and checks the answer's status, and then that the server
     * closed (with {@code Connection: close}) or, if not, still serves the connection.
     */
    static void assertAnswer(int port, String name, String raw, int status, boolean closes) throws IOException {
        try (RawHttp client = new RawHttp(port)) {
            Response response = client.exchange(raw);
            assertThat(response).as("answer to " + name).isNotNull();
            assertThat(response.status()).as(name).isEqualTo(status);
            if (closes) {
                assertThat(response.closes()).as(name + ": Connection: close").isTrue();
                assertThat(client.closedByServer()).as(name + ": closed").isTrue();
            } else {
                assertThat(client.exchange(FAST).status()).as(name + ": still serving").isEqualTo(200);
            }
        }
    }

    /** Closes with a reset instead of a FIN (SO_LINGER 0). */
    void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
