"""The bench client renews its connection every REQUESTS_PER_CONNECTION requests, so that
the server's workers share the load as many visitors' connections make them."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench.load import REQUESTS_PER_CONNECTION, Client
from bench.server import HOST


class Counting(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    connections: set[int] = set()

    def do_GET(self) -> None:
        Counting.connections.add(self.client_address[1])
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args) -> None:
        pass


def test_a_connection_carries_at_most_the_set_number_of_requests():
    server = ThreadingHTTPServer((HOST, 0), Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        client = Client(server.server_address[1])
        for _ in range(2 * REQUESTS_PER_CONNECTION + 1):
            status, _headers, body = client.request("GET", "/")
            assert (status, body) == (200, b"ok")
        client.close()
    finally:
        server.shutdown()
        server.server_close()

    assert len(Counting.connections) == 3
