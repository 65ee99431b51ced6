#!/usr/bin/env python3
"""Runs the container health check against small HTTP servers on free loopback ports.

Usage: check-healthcheck.py HEALTHCHECK_SH
Healthy only when GET /metrics answers 200; unhealthy on an error status, a server that
closes without answering, and a port nobody listens on.
"""
import http.server
import socket
import subprocess
import sys
import threading


def server_answering(status):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(status if self.path == "/metrics" else 404)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.end_headers()
            self.wfile.write(b"dmarc_metrics_exporter_build_info{version=\"0\"} 1\n")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def silent_server():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def close_each():
        while True:
            connection, _ = listener.accept()
            connection.close()

    threading.Thread(target=close_each, daemon=True).start()
    return listener, listener.getsockname()[1]


def unused_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main(argv):
    healthcheck = argv[1]
    ok_server, ok_port = server_answering(200)
    error_server, error_port = server_answering(500)
    closing, closing_port = silent_server()
    cases = [("200", ok_port, 0), ("500", error_port, 1), ("closed without answer", closing_port, 1),
             ("nothing listening", unused_port(), 1)]
    failures = 0
    for name, port, expected in cases:
        result = subprocess.run(["bash", healthcheck, "127.0.0.1", str(port)], capture_output=True,
                                text=True, timeout=30)
        verdict = "ok" if result.returncode == expected else "FAIL"
        failures += verdict == "FAIL"
        print(f"{verdict}: {name}: exit {result.returncode} (expected {expected}) {result.stderr.strip()}")
    ok_server.shutdown()
    error_server.shutdown()
    closing.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
