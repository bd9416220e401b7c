#!/usr/bin/env python3
"""Restarts under load: how many requests a restart loses, each way a new server can replace a running one.

    sudo bench/restarts.py MODE [--restarts 20] [--rate 4000] [--interval 2]

MODE:
  independent  a new instance joins the port (--reuse-port), then the old one gets SIGTERM
  migrate      the same, with net.ipv4.tcp_migrate_req=1 (closing a listener hands its queue to a sibling)
  activation   a supervisor holds the listening socket, as systemd's socket unit does, and passes it to each
               server (LISTEN_FDS); a restart is SIGTERM to the old one, then the new one (systemd's order)
  takeover     the new one takes the listening sockets over from the old one's --control-socket; the old
               one then stops by itself

The load is RestartLoad (server/src/test/java/loopwork/server/RestartLoad.java): kept-alive clients, clients
opening a new connection per request, every 20th request /test/slow, and a /test/stream read at 5 MB/s, paced
to --rate requests a second; it prints its counts by kind at the end. Each run goes in a network namespace of
its own (unshare -n, so root), where the script sets tcp_migrate_req: the host's setting is not touched.
Needs the server jar and the server's test classes (mvn -DskipTests package, then mvn test-compile).
"""
import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["independent", "migrate", "activation", "takeover"])
    parser.add_argument("--restarts", type=int, default=20)
    parser.add_argument("--rate", type=int, default=4000)
    parser.add_argument("--interval", type=float, default=2.0, help="seconds of load between restarts")
    parser.add_argument("--port", type=int, default=19090)
    parser.add_argument("--accept-threads", default="2")
    args = parser.parse_args()
    if os.environ.get("RESTARTS_NETNS") != "1":
        os.environ["RESTARTS_NETNS"] = "1"
        os.execvp("unshare", ["unshare", "-n", sys.executable] + sys.argv)
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    with open("/proc/sys/net/ipv4/tcp_migrate_req", "w") as f:
        f.write("1\n" if args.mode == "migrate" else "0\n")
    work = tempfile.mkdtemp(prefix="restarts-")
    Run(args, work).run()


class Run:
    def __init__(self, args, work):
        self.args = args
        self.work = work
        self.count = 0
        self.control = os.path.join(work, "control.sock")
        self.listener = None

    def command(self):
        base = [os.path.join(ROOT, "bin/loopwork"), "--host", "127.0.0.1", "-p", str(self.args.port),
                "-A", self.args.accept_threads, "-w", "8", "-C", "10000", "-D", "30"]
        mode = self.args.mode
        if mode in ("independent", "migrate"):
            return base + ["--reuse-port"]
        if mode == "takeover":
            return base + (["--take-over", self.control] if self.count > 0 else []) + ["--control-socket", self.control]
        return base

    def start(self):
        log = os.path.join(self.work, "server-%d.log" % self.count)
        out = open(log, "wb")
        if self.args.mode == "activation":
            # The socket as descriptor 3, LISTEN_FDS=1 and LISTEN_PID the server's pid, which the shell's is:
            # it execs bin/loopwork, which execs java.
            env = dict(os.environ, LISTEN_FDS="1")
            process = subprocess.Popen(["sh", "-c", 'LISTEN_PID=$$ exec "$@"', "sh"] + self.command(),
                                       stdout=out, stderr=subprocess.STDOUT, pass_fds=(3,), env=env)
        else:
            process = subprocess.Popen(self.command(), stdout=out, stderr=subprocess.STDOUT)
        self.count += 1
        return process, log

    def await_line(self, process, log, text, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with open(log, "rb") as f:
                if text.encode() in f.read():
                    return
            if process.poll() is not None and self.args.mode != "takeover":
                break
            time.sleep(0.02)
        sys.exit("no '%s' in %s:\n%s" % (text, log, open(log).read()))

    def run(self):
        if self.args.mode == "activation":
            self.listener = socket.socket()
            self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.listener.bind(("127.0.0.1", self.args.port))
            self.listener.listen(4096)
            if self.listener.fileno() != 3:
                os.dup2(self.listener.fileno(), 3)
        old, log = self.start()
        self.await_line(old, log, "listening on")
        stop = os.path.join(self.work, "stop")
        classes = os.path.join(ROOT, "server/target/test-classes")
        java = os.path.join(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin/java")
        load = subprocess.Popen([java, "-cp", classes, "loopwork.server.RestartLoad", str(self.args.port), stop,
                                 str(self.args.rate)], stdout=subprocess.PIPE, text=True)
        time.sleep(self.args.interval)
        gaps = []
        for _ in range(self.args.restarts):
            began = time.time()
            if self.args.mode == "activation":  # systemd's restart: stop, then start on the held socket
                old.send_signal(signal.SIGTERM)
                old.wait()
                old, log = self.start()
                self.await_line(old, log, "listening on")
            else:
                new, log = self.start()
                if self.args.mode == "takeover":
                    self.await_line(new, log, "took the listening sockets over")
                else:
                    self.await_line(new, log, "listening on")
                    old.send_signal(signal.SIGTERM)
                old.wait(timeout=60)
                old = new
            gaps.append(time.time() - began)
            time.sleep(self.args.interval)
        open(stop, "w").close()
        counts = load.communicate(timeout=120)[0].strip()
        old.send_signal(signal.SIGTERM)
        old.wait(timeout=60)
        print("%s: %d restarts (%.1f s each on average, old process exited); %s"
              % (self.args.mode, self.args.restarts, sum(gaps) / len(gaps), counts))


if __name__ == "__main__":
    main()
