"""`buildbutler-dbt`: dbt's command line, run by the daemon (started here when none answers).

Takes the same arguments as `dbt` and gives the same output and exit code: the daemon's child
writes straight into this process's stdout and stderr. Signals (Dagster's cancel is SIGINT) are
passed on to the child. With BUILDBUTLER_DBT_DAEMON_IDLE=0, or when no daemon can start, this
becomes a plain `dbt` process.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

from orchestration.dbt_daemon.paths import DBT, TRANSFORM_DIR, idle_seconds, socket_path

START_TIMEOUT_SECONDS = 120  # the daemon's first parse, on a slow machine
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def plain_dbt(argv: list[str]) -> None:
    os.execv(DBT, [str(DBT), *argv])


def connect(path: Path, idle: float) -> socket.socket:
    """A connection to the daemon, started first if none listens."""
    daemon = None
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while True:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            conn.connect(str(path))
            return conn
        except (FileNotFoundError, ConnectionRefusedError):
            conn.close()
        if daemon is None:
            with open(path.with_suffix(".log"), "ab") as log:
                daemon = subprocess.Popen(
                    [sys.executable, "-m", "orchestration.dbt_daemon.server", str(path), str(idle)],
                    stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                    cwd=TRANSFORM_DIR, start_new_session=True)
        elif daemon.poll() not in (None, 0) or time.monotonic() > deadline:
            raise OSError(f"the dbt daemon did not start (see {path.with_suffix('.log')})")
        time.sleep(0.05)


def run(conn: socket.socket, argv: list[str]) -> int:
    """Hands the command over and waits for its exit code."""
    request = json.dumps({"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)}).encode()
    socket.send_fds(conn, [struct.pack("!I", len(request)) + request], [0, 1, 2])
    replies = conn.makefile("rb")
    started = json.loads(replies.readline() or b"{}")
    if "pid" not in started:
        raise ConnectionError("the dbt daemon closed the connection")  # nothing ran: safe to retry

    def forward(number, _frame):
        conn.sendall(json.dumps({"signal": number}).encode() + b"\n")

    for number in SIGNALS:
        signal.signal(number, forward)
    try:  # dbt has started: whatever happens now, it must not be run twice
        finished = json.loads(replies.readline() or b"{}")
    except (OSError, ValueError):
        finished = {}
    if "exit" not in finished:
        print("buildbutler-dbt: the dbt daemon stopped before dbt finished", file=sys.stderr)
        return 2
    return finished["exit"]


def stop_daemon() -> bool:
    """Stops this install's daemon and the dbt it runs (`make demo` on Ctrl-C); False if none ran."""
    with open(socket_path().with_suffix(".lock"), "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return False  # nobody holds the lock: no daemon
        except BlockingIOError:
            lock.seek(0)
            pid = int(lock.read() or 0)
    if pid <= 0:
        return False
    os.killpg(pid, signal.SIGTERM)  # the daemon leads its own process group, with its children
    return True


def main() -> None:
    argv = sys.argv[1:]
    try:
        idle = idle_seconds()
    except ValueError as error:
        raise SystemExit(f"buildbutler-dbt: {error}") from None
    if idle == 0:
        plain_dbt(argv)
    for attempt in (1, 2):
        try:
            sys.exit(run(connect(socket_path(), idle), argv))
        except OSError as error:
            # a daemon that was exiting as we connected closes without answering: try once more
            if attempt == 2 or not isinstance(error, ConnectionError):
                print(f"buildbutler-dbt: {error}; running dbt without the daemon", file=sys.stderr)
                break
    plain_dbt(argv)
