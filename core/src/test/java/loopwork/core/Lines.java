package loopwork.core;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Both ends of the line protocols the core's tests run on a kit: on the handler's side, a command read from
 * a connection's bytes and a line answered; on the client's, a blocking socket that connects, sends text and
 * reads lines. The handler's side is public for the loop package's tests, which drive a loop on the
 * in-memory transport.
 */
public final class Lines {

    private Lines() {
    }

    /** The next whole line in {@code in}, consumed, without its newline; null (nothing consumed) if none yet. */
    public static String line(ByteBuffer in) {
        for (int i = in.position(); i < in.limit(); i++) {
            if (in.get(i) == '\n') {
                byte[] bytes = new byte[i + 1 - in.position()];
                in.get(bytes);
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.US_ASCII);
            }
        }
        return null;
    }

    /** Writes {@code text} and a newline. */
    public static void say(Connection connection, String text) {
        connection.write((text + "\n").getBytes(StandardCharsets.US_ASCII));
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
