"""A loopback stand-in for a network receipt printer: a TCP server on 127.0.0.1 that
keeps the bytes of every connection (one connection per printed ticket)."""

from __future__ import annotations

import socket
import socketserver
import threading
import time


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        chunks = []
        while data := self.request.recv(4096):
            chunks.append(data)
        self.server.received(b"".join(chunks))  # type: ignore[attr-defined]


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port: int) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.tickets: list[bytes] = []
        self.lock = threading.Condition()

    def received(self, payload: bytes) -> None:
        with self.lock:
            self.tickets.append(payload)
            self.lock.notify_all()


class PrinterStandIn:
    """``with PrinterStandIn() as printer: ... printer.wait_for(1)``."""

    def __init__(self, port: int = 0) -> None:
        self._server = _Server(port)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> PrinterStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def tickets(self) -> list[bytes]:
        with self._server.lock:
            return list(self._server.tickets)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[bytes]:
        """The tickets received once ``count`` have arrived (a connection's bytes are
        recorded when the client closes it, a moment after the worker returns)."""
        deadline = time.monotonic() + timeout
        with self._server.lock:
            while len(self._server.tickets) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._server.lock.wait(left)
            return list(self._server.tickets)


def closed_port() -> int:
    """A loopback port nothing listens on (connecting to it is refused at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
