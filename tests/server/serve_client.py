"""Small stdlib clients for liveformer serve's tests and benchmark: start and
stop a server on a free loopback port, JSON requests, server-sent events,
and a minimal WebSocket client (RFC 6455: handshake, masked text frames,
close). No third-party packages, so the tests run anywhere CI does."""

import base64
import http.client
import json
import os
import re
import signal
import socket
import struct
import subprocess
import threading
import time


class Server:
    """liveformer-serve on 127.0.0.1 with --port 0; the port is read from its
    first stdout line. Use as a context manager."""

    def __init__(self, binary, *args, env=None):
        self.binary, self.args, self.env = binary, list(args), env
        self.proc = None
        self.port = None
        self.stderr_lines = []

    def __enter__(self):
        self.proc = subprocess.Popen([self.binary, "--port", "0", *self.args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=self.env)
        line = self.proc.stdout.readline()
        m = re.search(r"listening on http://[^:]+:(\d+)", line)
        if not m:
            err = self.proc.stderr.read()
            raise RuntimeError("server did not start: %r %r" % (line, err[-2000:]))
        self.port = int(m.group(1))
        # Drain stderr (access logs) so the server never blocks on a full pipe.
        threading.Thread(target=self._drain, daemon=True).start()
        return self

    def _drain(self):
        for line in self.proc.stderr:
            self.stderr_lines.append(line)

    def stop(self, sig=signal.SIGTERM, timeout=60):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.proc.wait(timeout=timeout)

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def conn(self, timeout=60):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, timeout=120):
        """(status, headers dict, parsed JSON or raw text)."""
        c = self.conn(timeout)
        data = body if isinstance(body, (bytes, type(None))) else (body if isinstance(body, str) else json.dumps(body)).encode()
        h = {"Content-Type": "application/json"} if data is not None else {}
        h.update(headers or {})
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        raw = r.read()
        c.close()
        hdrs = {k.lower(): v for k, v in r.getheaders()}
        if "json" in hdrs.get("content-type", ""):
            return r.status, hdrs, json.loads(raw)
        return r.status, hdrs, raw.decode("utf-8", "replace")

    def metric(self, name):
        """A sample's value from /metrics (name with its labels), 0 if absent."""
        _, _, text = self.request("GET", "/metrics")
        for line in text.splitlines():
            if line.startswith(name + " "):
                return float(line.split()[-1])
        return 0.0

    def stream(self, path, body, timeout=120):
        """POSTs and yields each SSE data payload (str) as it arrives, plus
        the raw bytes of every data line (to check UTF-8 boundaries)."""
        c = self.conn(timeout)
        c.request("POST", path, body=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
        r = c.getresponse()
        if r.status != 200:
            yield ("status", r.status, json.loads(r.read()))
            return
        assert r.getheader("Content-Type").startswith("text/event-stream"), r.getheader("Content-Type")
        buf = b""
        while True:
            chunk = r.read1(65536) if hasattr(r, "read1") else r.read(1)
            if not chunk:
                break
            buf += chunk
            while b"\n\n" in buf:
                event, buf = buf.split(b"\n\n", 1)
                for line in event.split(b"\n"):
                    if line.startswith(b"data: "):
                        raw = line[6:]
                        yield ("data", raw.decode("utf-8"), raw)  # strict: a split character fails here
        c.close()


class WebSocket:
    """A minimal RFC 6455 client: text frames only."""

    def __init__(self, port, path, timeout=30):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        req = ("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % (path, port, key))
        self.sock.sendall(req.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            b = self.sock.recv(1)
            if not b:
                break
            head += b
        self.status = int(head.split(b" ", 2)[1]) if head else 0
        self.response_head = head.decode("latin-1")
        self.body = b""
        if self.status != 101:
            m = re.search(r"content-length: *(\d+)", self.response_head, re.I)
            n = int(m.group(1)) if m else 0
            while len(self.body) < n:
                b = self.sock.recv(n - len(self.body))
                if not b:
                    break
                self.body += b

    def send(self, text):
        payload = text.encode()
        mask = os.urandom(4)
        n = len(payload)
        if n < 126:
            header = struct.pack("!BB", 0x81, 0x80 | n)
        elif n < 65536:
            header = struct.pack("!BBH", 0x81, 0x80 | 126, n)
        else:
            header = struct.pack("!BBQ", 0x81, 0x80 | 127, n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def _exact(self, n):
        out = b""
        while len(out) < n:
            b = self.sock.recv(n - len(out))
            if not b:
                raise ConnectionError("closed")
            out += b
        return out

    def recv(self):
        """The next text message (str, fragments joined), or None when the
        server closed."""
        message = b""
        while True:
            try:
                b1, b2 = self._exact(2)
            except ConnectionError:
                return None
            fin, op, n = b1 & 0x80, b1 & 0x0F, b2 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._exact(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._exact(8))[0]
            data = self._exact(n)
            if op == 0x8:
                return None
            if op in (0x1, 0x0):  # text, or its continuation
                message += data
                if fin:
                    return message.decode("utf-8")
            # ping / pong: nothing to do for a test client

    def close(self):
        try:
            self.sock.sendall(struct.pack("!BB", 0x88, 0x80) + os.urandom(4))
        except OSError:
            pass
        self.sock.close()
