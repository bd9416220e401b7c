#!/usr/bin/env python3
"""Opens N idle HTTP/1.1 keep-alive connections to a server, for bench/compare.sh's memory phase.

    python3 bench/idle_conns.py --port PORT --count N [--host 127.0.0.1] [--path /test/fast]
                                [--sources 127.0.0.2-127.0.0.9] [--open-limit S] [--hold-limit S]

Each connection makes one request (GET PATH, keep-alive) and reads its answer, then stays open
and idle. Connections are spread over the source addresses (socket.bind((src, 0))): one source
address has about 28,000 ephemeral ports towards one destination, fewer when TIME_WAIT sockets
from earlier loads still hold some. Prints "ready N" once all N are open (or "failed ..." and
exits 1), then holds them until SIGTERM or --hold-limit seconds, and closes them by exiting.
Standard library only; the fd limit is raised to the hard limit.
"""

import argparse
import ipaddress
import resource
import signal
import socket
import sys
import time


def sources(spec):
    first, _, last = spec.partition("-")
    a = int(ipaddress.IPv4Address(first))
    b = int(ipaddress.IPv4Address(last or first))
    return [str(ipaddress.IPv4Address(i)) for i in range(a, b + 1)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--path", default="/test/fast")
    ap.add_argument("--sources", default="127.0.0.2-127.0.0.9")
    ap.add_argument("--open-limit", type=float, default=120.0, help="seconds to open all of them")
    ap.add_argument("--hold-limit", type=float, default=300.0, help="seconds to hold them at most")
    args = ap.parse_args()
    if args.host != "127.0.0.1":
        sys.exit("idle_conns.py: only 127.0.0.1 may be targeted")

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if args.count + 16 > hard:
        print(f"failed: {args.count} connections need more than the fd limit {hard}", flush=True)
        return 1

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    request = (f"GET {args.path} HTTP/1.1\r\nHost: {args.host}:{args.port}\r\n\r\n").encode()
    srcs = sources(args.sources)
    conns = []
    deadline = time.monotonic() + args.open_limit
    started = time.monotonic()
    try:
        for i in range(args.count):
            if time.monotonic() > deadline:
                print(f"failed: only {len(conns)} of {args.count} open after {args.open_limit:.0f}s", flush=True)
                return 1
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.settimeout(10)
            s.bind((srcs[i % len(srcs)], 0))
            s.connect((args.host, args.port))
            s.sendall(request)
            head = b""
            while b"\r\n\r\n" not in head:  # the servers answer with Content-Length: 0
                chunk = s.recv(4096)
                if not chunk:
                    raise ConnectionError("closed before answering")
                head += chunk
            if not head.startswith(b"HTTP/1.1 200"):
                raise ConnectionError("answer was " + head.split(b"\r\n", 1)[0].decode(errors="replace"))
            conns.append(s)
    except (OSError, ConnectionError) as e:
        print(f"failed: connection {len(conns) + 1} of {args.count}: {e}", flush=True)
        return 1
    print(f"ready {len(conns)} in {time.monotonic() - started:.1f}s over {len(srcs)} source addresses", flush=True)

    # Hold them until SIGTERM (exit closes them) or the limit.
    time.sleep(args.hold_limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
