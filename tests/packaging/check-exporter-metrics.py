#!/usr/bin/env python3
"""Runs the exporter and holds it to installer/metrics.txt and to the container health check.

Usage: check-exporter-metrics.py BINARY METRICS_LIST HEALTHCHECK_SH

Starts BINARY --no-gui with a throwaway configuration (HTTP on a port the system picks, an IMAP
server that refuses connections, state in a temporary directory), waits for the first failed
poll, and checks that /metrics names every metric of METRICS_LIST, which the Grafana dashboard
and the alert rules rely on. The families that appear only once counted (SMTP TLS reports,
DMARC failure reports, sending sources) are filled first with `BINARY import` of the fixtures in tests/data and
an unreadable TLS report. With promtool on PATH, `promtool check metrics` must accept the
exposition. Then the container health check must call the endpoint healthy, and SIGTERM must
stop the program with exit status 0.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

TIMEOUT = 60
DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "data")


def refused_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening_port(pid):
    """The TCP port process `pid` listens on, from /proc (independent of the log format)."""
    inodes = set()
    fd_dir = f"/proc/{pid}/fd"
    for fd in os.listdir(fd_dir):
        try:
            target = os.readlink(os.path.join(fd_dir, fd))
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table, encoding="ascii") as handle:
            for row in list(handle)[1:]:
                fields = row.split()
                if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                    return int(fields[1].rsplit(":", 1)[1], 16)
    return None


def exposed_names(text):
    names = set()
    for line in text.splitlines():
        match = re.match(r"# TYPE (\S+) ", line) or re.match(r"([A-Za-z_:][\w:]*)[{ ]", line)
        if match:
            names.add(match.group(1))
    return names


def import_fixtures(binary, config_path, work, env):
    """Counts TLS, failure and aggregate reports into the store, so that the families of TLS
    reports, failure reports and sending sources are exposed."""
    unreadable = os.path.join(work, "unreadable-tlsrpt.json")
    with open(unreadable, "w", encoding="utf-8") as handle:
        handle.write('{"organization-name": "Broken Inc.", "policies": [')
    # Named one by one: a folder import takes only mail and aggregate report suffixes.
    tlsrpt = os.path.join(DATA_DIR, "tlsrpt")
    files = [os.path.join(tlsrpt, name) for name in sorted(os.listdir(tlsrpt))]
    files += [os.path.join(DATA_DIR, "arf", "auth-failure.eml"),
              os.path.join(DATA_DIR, "upstream", "report-0.1.xml"), unreadable]
    result = subprocess.run([binary, "import", "--configuration", config_path] + files,
                            capture_output=True, text=True, env=env, timeout=TIMEOUT)
    # Exit status 1 is expected: the unreadable report is a file with errors.
    if "Imported" not in result.stderr:
        print(f"FAIL: import exited with {result.returncode}:\n{result.stdout}{result.stderr}",
              file=sys.stderr)
        return False
    return True


def promtool_lint(text):
    """promtool's complaints about the exposition, or None without promtool."""
    promtool = shutil.which("promtool")
    if promtool is None:
        print("promtool not found: the exposition is not linted")
        return None
    lint = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True,
                          text=True, timeout=30)
    return "" if lint.returncode == 0 else lint.stdout + lint.stderr


def main(argv):
    binary, metrics_file, healthcheck = argv[1:4]
    with open(metrics_file, encoding="utf-8") as handle:
        expected = {line.strip() for line in handle if line.strip() and not line.startswith("#")}

    with tempfile.TemporaryDirectory(prefix="dmarc-exporter-metrics-") as work:
        config = {
            "listen_addr": "127.0.0.1",
            "port": 0,
            "imap": {"host": "127.0.0.1", "port": refused_port(), "username": "reports@example.org",
                     "password": "secret", "use_ssl": False},
            "storage_path": os.path.join(work, "state"),
            "poll_interval_seconds": 0.5,
        }
        os.mkdir(config["storage_path"], 0o700)
        config_path = os.path.join(work, "config.json")
        with open(config_path, "w", encoding="utf-8") as handle:
            json.dump(config, handle)
        os.chmod(config_path, 0o600)

        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        if not import_fixtures(binary, config_path, work, env):
            return 1
        process = subprocess.Popen([binary, "--no-gui", "--configuration", config_path],
                                   stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env)
        log = []
        threading.Thread(target=lambda: log.extend(process.stderr), daemon=True).start()
        try:
            port = None
            deadline = time.monotonic() + TIMEOUT
            while port is None and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.1)
                port = listening_port(process.pid)
            if port is None:
                print("FAIL: the exporter did not start listening:\n" + "".join(log), file=sys.stderr)
                return 1
            url = f"http://127.0.0.1:{port}/metrics"
            deadline = time.monotonic() + TIMEOUT
            while True:
                with urllib.request.urlopen(url, timeout=10) as response:
                    text = response.read().decode("utf-8")
                names = exposed_names(text)
                if expected <= names or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            missing = sorted(expected - names)
            for name in missing:
                print(f"FAIL: the exporter does not expose {name} (listed in {metrics_file})", file=sys.stderr)
            unlisted = sorted(n for n in names - expected if not re.search(r"_(bucket|sum|count|created)$", n))
            if unlisted:
                print("exposed but not listed (not used by the dashboard): " + ", ".join(unlisted))
            lint = promtool_lint(text)
            if lint:
                print(f"FAIL: promtool check metrics:\n{lint}", file=sys.stderr)

            health = subprocess.run(["bash", healthcheck, "127.0.0.1", str(port)],
                                    capture_output=True, text=True, timeout=30)
            if health.returncode != 0:
                print(f"FAIL: the health check says unhealthy: {health.stderr}", file=sys.stderr)

            process.send_signal(signal.SIGTERM)
            status = process.wait(timeout=30)
            if status != 0:
                print(f"FAIL: exit status {status} after SIGTERM:\n" + "".join(log), file=sys.stderr)
            failed = bool(missing) or bool(lint) or health.returncode != 0 or status != 0
            print(f"{len(expected)} listed metrics, {len(names)} exposed; health check "
                  f"{'healthy' if health.returncode == 0 else 'unhealthy'}; exit status {status}")
            return 1 if failed else 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
