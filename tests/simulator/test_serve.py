"""serve_forever, the CLI's blocking entry point: prints its URL, serves, stops cleanly on Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[2]


def test_serve_forever_prints_its_url_and_stops_on_ctrl_c():
    code = "from ingestion.simulator import serve_forever; serve_forever(port=0, seed=3)"
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        url = line.split(" on ", 1)[1].split(" ", 1)[0]
        assert url.startswith("http://127.0.0.1:") and "jobs" in line
        runs = requests.get(f"{url}/blue/rest/organizations/jenkins/pipelines/api-gateway/runs/", timeout=5)
        assert runs.status_code == 200 and runs.json()[0]["state"] == "RUNNING"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
