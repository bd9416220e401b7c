import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cluster test's counting client (deploy/cluster-test.sh compiles and runs it):
 * closed-loop HTTP/1.1 clients on kept-alive connections, one in --close-every requests asking Connection: close
 * so that new connections are made all along, one in --slow-every asking /test/slow so that requests are in flight
 * when a host drains. Every request is recorded (start, latency, outcome); every failure has a kind (refused,
 * reset, closed before any byte of the answer, closed in the middle, timeout, a status other than 200).
 *
 * <p>It runs until --stop-file exists (or --max-seconds), then reads --events (lines "epochMillis label", written
 * by the script as it goes) and prints, for each stretch between two events, the requests that began in it,
 * their failures by kind and the latency percentiles of the answered ones. Its last line is "N requests, F
 * failed" for the requests begun before the first event whose label starts with --total-until.
 *
 * <p>Threads: one per connection, each owning its recorder; the main thread merges them after joining them.
 */
public final class ClusterLoad {

    static final int OK = 0, REFUSED = 1, CONNECT_TIMEOUT = 2, RESET = 3, CLOSED_BEFORE_ANSWER = 4,
            CLOSED_MID_ANSWER = 5, READ_TIMEOUT = 6, OTHER = 7, STATUS = 1000; // STATUS + code for a non-200
    static final String[] KINDS = {"ok", "refused", "connect timeout", "reset", "closed before answer",
            "closed mid-answer", "read timeout", "other error"};

    /** One connection's requests: start (ns since the run began), latency (us), outcome. Owned by its thread. */
    static final class Recorder {
        long[] startNs = new long[1 << 14];
        int[] latencyUs = new int[1 << 14];
        int[] outcome = new int[1 << 14];
        int count;

        void add(long start, long latencyNs, int result) {
            if (count == startNs.length) {
                startNs = Arrays.copyOf(startNs, count * 2);
                latencyUs = Arrays.copyOf(latencyUs, count * 2);
                outcome = Arrays.copyOf(outcome, count * 2);
            }
            startNs[count] = start;
            latencyUs[count] = (int) Math.min(Integer.MAX_VALUE, latencyNs / 1000);
            outcome[count++] = result;
        }
    }

    static volatile boolean running = true;
    /** Connections that have made their first request: the script starts its events once all have. */
    static final AtomicInteger started = new AtomicInteger();

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new TreeMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String host = o.getOrDefault("host", "127.0.0.1");
        int port = Integer.parseInt(o.getOrDefault("port", "8080"));
        int connections = Integer.parseInt(o.getOrDefault("connections", "8"));
        int closeEvery = Integer.parseInt(o.getOrDefault("close-every", "20"));
        int slowEvery = Integer.parseInt(o.getOrDefault("slow-every", "10"));
        Path stopFile = Path.of(o.getOrDefault("stop-file", "stop"));
        Path readyFile = Path.of(o.getOrDefault("ready-file", "ready"));
        Path events = Path.of(o.getOrDefault("events", "events"));
        long maxSeconds = Long.parseLong(o.getOrDefault("max-seconds", "600"));
        String totalUntil = o.getOrDefault("total-until", "kill");

        long t0Ns = System.nanoTime();
        long t0Ms = System.currentTimeMillis();
        InetSocketAddress address = new InetSocketAddress(host, port);
        List<Recorder> recorders = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Recorder recorder = new Recorder();
            recorders.add(recorder);
            int seed = c;
            threads.add(Thread.ofPlatform().name("client-" + c).start(
                    () -> drive(address, recorder, t0Ns, closeEvery, slowEvery, seed)));
        }
        long deadlineNs = t0Ns + maxSeconds * 1_000_000_000L;
        while (started.get() < connections && System.nanoTime() - deadlineNs < 0) {
            Thread.sleep(10);
        }
        Files.writeString(readyFile, "every connection has made a request\n");
        while (!Files.exists(stopFile) && System.nanoTime() - deadlineNs < 0) {
            Thread.sleep(50); // polling a file the script creates: the client has no other line to the script
        }
        running = false;
        for (Thread t : threads) {
            t.join(15_000); // a read times out after 10 s at most
        }
        report(recorders, t0Ms, events, totalUntil);
    }

    /** One connection's loop: a request, its answer, again, until told to stop; a failure opens a new connection. */
    static void drive(InetSocketAddress address, Recorder recorder, long t0Ns, int closeEvery, int slowEvery, int n) {
        byte[] fast = "GET /test/fast HTTP/1.1\r\nHost: lb\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] slow = "GET /test/slow HTTP/1.1\r\nHost: lb\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] last = "GET /test/fast HTTP/1.1\r\nHost: lb\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        Socket socket = null;
        InputStream in = null;
        while (running) {
            n++;
            byte[] request = n % closeEvery == 0 ? last : n % slowEvery == 0 ? slow : fast;
            long start = System.nanoTime();
            int result;
            boolean keep = false;
            int phase = 0; // 0 connecting, 1 sent, 2 some of the answer read
            try {
                if (socket == null) {
                    socket = new Socket();
                    socket.setTcpNoDelay(true);
                    socket.connect(address, 2_000);
                    socket.setSoTimeout(10_000);
                    in = new BufferedInputStream(socket.getInputStream(), 4096);
                }
                phase = 1;
                OutputStream out = socket.getOutputStream();
                out.write(request);
                out.flush();
                int[] state = new int[2]; // status, 1 if the answer says Connection: close
                phase = readAnswer(in, state);
                result = state[0] == 200 ? OK : STATUS + state[0];
                keep = request != last && state[1] == 0;
            } catch (ConnectException e) {
                result = REFUSED;
            } catch (SocketTimeoutException e) {
                result = phase == 0 ? CONNECT_TIMEOUT : READ_TIMEOUT;
            } catch (AnswerCut e) {
                result = e.someRead ? CLOSED_MID_ANSWER : CLOSED_BEFORE_ANSWER;
            } catch (SocketException e) {
                result = String.valueOf(e.getMessage()).contains("reset") ? RESET : OTHER;
            } catch (IOException e) {
                result = OTHER;
            }
            recorder.add(start - t0Ns, System.nanoTime() - start, result);
            if (recorder.count == 1) {
                started.incrementAndGet();
            }
            if (!keep && socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing a socket that failed: nothing more to learn
                }
                socket = null;
            }
        }
    }

    /** The peer closed before the whole answer came; someRead says whether any byte of it had. */
    static final class AnswerCut extends EOFException {
        final boolean someRead;

        AnswerCut(boolean someRead) {
            this.someRead = someRead;
        }
    }

    /** Reads one answer (a head with Content-Length and its body); returns 2; fills status and close. */
    static int readAnswer(InputStream in, int[] state) throws IOException {
        StringBuilder head = new StringBuilder(256);
        int b;
        while ((b = in.read()) >= 0) {
            head.append((char) b);
            int n = head.length();
            if (n >= 4 && head.charAt(n - 1) == '\n' && head.charAt(n - 3) == '\n' && head.charAt(n - 2) == '\r') {
                break;
            }
        }
        if (b < 0) {
            throw new AnswerCut(!head.isEmpty());
        }
        String text = head.toString();
        state[0] = Integer.parseInt(text.substring(9, 12));
        String lower = text.toLowerCase(Locale.ROOT);
        state[1] = lower.contains("\nconnection: close") ? 1 : 0;
        int at = lower.indexOf("\ncontent-length:");
        long length = at < 0 ? 0 : Long.parseLong(lower.substring(at + 16, lower.indexOf('\r', at)).trim());
        for (long i = 0; i < length; i++) {
            if (in.read() < 0) {
                throw new AnswerCut(true);
            }
        }
        return 2;
    }

    static void report(List<Recorder> recorders, long t0Ms, Path events, String totalUntil) throws IOException {
        List<Long> at = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        at.add(Long.MIN_VALUE);
        labels.add("start");
        if (Files.exists(events)) {
            for (String line : Files.readAllLines(events)) {
                int space = line.indexOf(' ');
                if (space > 0) {
                    at.add((Long.parseLong(line.substring(0, space)) - t0Ms) * 1_000_000L);
                    labels.add(line.substring(space + 1));
                }
            }
        }
        int segments = at.size();
        long totalEnd = Long.MAX_VALUE;
        for (int s = 1; s < segments; s++) {
            if (labels.get(s).startsWith(totalUntil)) {
                totalEnd = at.get(s);
                break;
            }
        }
        List<List<Integer>> okLatency = new ArrayList<>();
        List<Map<String, Integer>> failures = new ArrayList<>();
        int[] requests = new int[segments];
        for (int s = 0; s < segments; s++) {
            okLatency.add(new ArrayList<>());
            failures.add(new TreeMap<>());
        }
        long total = 0, totalFailed = 0;
        for (Recorder r : recorders) {
            for (int i = 0; i < r.count; i++) {
                long start = r.startNs[i];
                int s = segments - 1;
                while (s > 0 && at.get(s) > start) {
                    s--;
                }
                requests[s]++;
                int outcome = r.outcome[i];
                if (outcome == OK) {
                    okLatency.get(s).add(r.latencyUs[i]);
                } else {
                    String kind = outcome >= STATUS ? "status " + (outcome - STATUS) : KINDS[outcome];
                    failures.get(s).merge(kind, 1, Integer::sum);
                }
                if (start < totalEnd) {
                    total++;
                    totalFailed += outcome == OK ? 0 : 1;
                }
            }
        }
        System.out.printf(Locale.ROOT, "%-34s %9s %7s %8s %8s %8s %8s  %s%n", "stretch (from the event on)",
                "requests", "failed", "p50 ms", "p90 ms", "p99 ms", "max ms", "failures by kind");
        for (int s = 0; s < segments; s++) {
            int[] lat = okLatency.get(s).stream().mapToInt(Integer::intValue).sorted().toArray();
            int failed = failures.get(s).values().stream().mapToInt(Integer::intValue).sum();
            System.out.printf(Locale.ROOT, "%-34s %9d %7d %8s %8s %8s %8s  %s%n", labels.get(s), requests[s], failed,
                    pct(lat, 0.50), pct(lat, 0.90), pct(lat, 0.99), pct(lat, 1.0),
                    failures.get(s).isEmpty() ? "" : failures.get(s).toString());
        }
        System.out.printf(Locale.ROOT, "%d requests, %d failed%n", total, totalFailed);
    }

    static String pct(int[] sortedUs, double q) {
        if (sortedUs.length == 0) {
            return "-";
        }
        int i = (int) Math.min(sortedUs.length - 1, Math.ceil(q * sortedUs.length) - 1);
        return String.format(Locale.ROOT, "%.2f", sortedUs[Math.max(0, i)] / 1000.0);
    }
}
