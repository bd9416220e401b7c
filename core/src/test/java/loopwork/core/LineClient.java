package loopwork.core;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A blocking client of a line protocol on a running kit, for tests: connect, send text, read lines. */
final class LineClient {

    private LineClient() {
    }

    /** A connection to the kit on 127.0.0.1 whose reads give up after 10 s: a hang fails the test. */
    static Socket connect(Kit kit) throws IOException {
        Socket socket = new Socket("127.0.0.1", kit.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** One line of the answer, without its newline; null at the end of the stream. */
    static String readLine(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) != '\n';) {
            if (b < 0) {
                return line.length() == 0 ? null : line.toString();
            }
            line.append((char) b);
        }
        return line.toString();
    }
}
