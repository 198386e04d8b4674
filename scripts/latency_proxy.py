#!/usr/bin/env python3
"""A TCP proxy on loopback that delays each direction by a fixed time: a slow link in front of
a local registry, for scripts/bench.sh's latency mode. It counts what crossed it, so a run can
say how many round trips it needed and not only how long it took.

usage: latency_proxy.py LISTEN_PORT UPSTREAM_HOST:PORT DELAY_MS STATS_FILE [RATE]
RATE (bytes per second, 0 or absent for none) caps what each connection carries from the
server to the client, as a CDN throttles each connection (so N connections carry N times as
much): scripts/bench.sh's ranged case. The proxy reads no further ahead than about a second of
a throttled connection's answer, so its memory stays small.
Prints the port it listens on (useful with 0) on stdout, then serves until killed. On SIGUSR1
it writes the counts since the last SIGUSR1 (or start) to STATS_FILE as one line of JSON
(written to a temporary file and renamed) and starts counting again.

What it counts:
- connections: TCP connections accepted. Connecting to loopback costs no delay here, though
  on a real link each new connection costs a round trip more (and TLS one or two).
- exchanges: client turns. On HTTP/1.1 (no pipelining) a connection alternates between the
  client sending (a request, or a TLS flight) and the server answering, so each switch to
  the client's side is one exchange; `requests` are the exchanges that start with an HTTP
  method, `methods` counts them by method.
- round_trips: the longest chain of waits. An exchange that starts after the answer of
  another was delivered may depend on it, so its depth is one more than the deepest answer
  delivered before it started; the largest depth is the number of sequential round trips
  the run could not avoid (an upper bound when unrelated work overlaps).
"""

import asyncio
import json
import os
import signal
import sys
import time

METHODS = (b"GET ", b"HEAD ", b"POST ", b"PUT ", b"PATCH ", b"DELETE ", b"OPTIONS ")


class Stats:
    def __init__(self):
        self.reset()

    def reset(self):
        self.connections = 0
        self.exchanges = 0
        self.requests = 0
        self.methods = {}
        self.delivered_depth = 0
        self.round_trips = 0
        self.started = time.monotonic()

    def dump(self, path):
        data = {
            "connections": self.connections,
            "exchanges": self.exchanges,
            "requests": self.requests,
            "round_trips": self.round_trips,
            "methods": self.methods,
            "seconds": round(time.monotonic() - self.started, 4),
        }
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            f.write(json.dumps(data, sort_keys=True) + "\n")
        os.replace(tmp, path)


STATS = Stats()


class Conn:
    """One proxied connection: whose turn it is, and the depth of the current exchange."""

    def __init__(self):
        self.turn = None  # "client" or "server"
        self.depth = 0
        # An answer started whose first byte the client has not been given yet.
        self.turn_pending_answer = False


# The piece a throttled answer is released in, so the rate is smooth.
RATE_PIECE = 16 * 1024


async def pump(reader, writer, delay, conn, from_client, rate=0):
    """Copies reader to writer, each chunk released `delay` seconds after it arrived, in order;
    with `rate`, no faster than `rate` bytes per second."""
    queue = asyncio.Queue()
    # When the throttled link is free for the next piece.
    free_at = 0.0

    async def release():
        while True:
            item = await queue.get()
            if item is None:
                break
            due, chunk = item
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if not from_client and conn.turn_pending_answer:
                # The first byte of an answer reaches the client now: later exchanges may
                # depend on it.
                conn.turn_pending_answer = False
                STATS.delivered_depth = max(STATS.delivered_depth, conn.depth)
            writer.write(chunk)
            try:
                await writer.drain()
            except ConnectionError:
                break
        try:
            if writer.can_write_eof():
                writer.write_eof()
        except (OSError, RuntimeError):
            pass

    releaser = asyncio.ensure_future(release())
    try:
        while True:
            try:
                chunk = await reader.read(256 * 1024)
            except ConnectionError:
                chunk = b""
            if not chunk:
                break
            now = time.monotonic()
            if from_client and conn.turn != "client":
                conn.turn = "client"
                conn.depth = STATS.delivered_depth + 1
                STATS.round_trips = max(STATS.round_trips, conn.depth)
                STATS.exchanges += 1
                if chunk.startswith(METHODS):
                    STATS.requests += 1
                    method = chunk.split(b" ", 1)[0].decode()
                    STATS.methods[method] = STATS.methods.get(method, 0) + 1
            elif not from_client and conn.turn != "server":
                conn.turn = "server"
                conn.turn_pending_answer = True
            if not rate:
                await queue.put((now + delay, chunk))
                continue
            for at in range(0, len(chunk), RATE_PIECE):
                piece = chunk[at : at + RATE_PIECE]
                free_at = max(free_at, now + delay) + len(piece) / rate
                await queue.put((free_at, piece))
            # Read no further ahead than a second of the throttled answer.
            ahead = free_at - time.monotonic() - delay - 1.0
            if ahead > 0:
                await asyncio.sleep(ahead)
    finally:
        await queue.put(None)
        await releaser


async def handle(client_reader, client_writer, upstream, delay, rate):
    STATS.connections += 1
    host, port = upstream.rsplit(":", 1)
    try:
        up_reader, up_writer = await asyncio.open_connection(host, int(port))
    except OSError:
        client_writer.close()
        return
    conn = Conn()
    await asyncio.gather(
        pump(client_reader, up_writer, delay, conn, True),
        pump(up_reader, client_writer, delay, conn, False, rate),
        return_exceptions=True,
    )
    for w in (client_writer, up_writer):
        try:
            w.close()
        except OSError:
            pass


async def main():
    port, upstream, delay_ms, stats_file = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    delay = float(delay_ms) / 1000.0
    rate = float(sys.argv[5]) if len(sys.argv) > 5 else 0.0
    server = await asyncio.start_server(
        lambda r, w: handle(r, w, upstream, delay, rate), "127.0.0.1", int(port)
    )
    loop = asyncio.get_running_loop()

    def on_usr1():
        STATS.dump(stats_file)
        STATS.reset()

    loop.add_signal_handler(signal.SIGUSR1, on_usr1)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
