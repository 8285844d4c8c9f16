"""`comptoir demo` started the way a shop owner starts it: a real gunicorn server and a
real worker process, on a fresh data folder."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.demo


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_demo_prints_working_urls_and_logins_and_reports_healthy(tmp_path: Path):
    port = free_port()
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["COMPTOIR_DATA_DIR"] = str(tmp_path / "data")
    process = subprocess.Popen(
        [sys.executable, "-m", "comptoir.cli", "demo", "--port", str(port), "--workers", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,
    )
    output = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                break
            output.append(line)
            if "Demo logins" in line:
                break
        printed = "".join(output)
        assert "Demo logins" in printed, printed
        for _ in range(4):
            output.append(process.stdout.readline())
        printed = "".join(output)
        storefront = re.search(r"Storefront: (\S+)", printed).group(1)
        dashboard = re.search(r"Dashboard:\s+(\S+)", printed).group(1)
        assert "owner@example.com" in printed and "demo1234" in printed

        status = None
        while time.monotonic() < deadline:
            try:
                status, body = fetch(storefront)
                break
            except OSError:
                time.sleep(0.3)
        assert status == 200 and "Boulangerie Camille" in body
        status, body = fetch(dashboard + "login/")
        assert status == 200

        # The worker started by the demo checks in: /healthz turns healthy.
        while time.monotonic() < deadline:
            status, body = fetch(f"http://127.0.0.1:{port}/healthz")
            if status == 200:
                break
            time.sleep(0.5)
        assert status == 200, body
        assert json.loads(body)["workers"] >= 1
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
