"""The daemon: keeps dbt imported and the project parsed, and forks one child per dbt command.

    python -m orchestration.dbt_daemon.server SOCKET IDLE_SECONDS    # started by the client

One process per socket (a lock file next to it says which). It never opens the warehouse: only
the children do, and a child's exit releases the DuckDB file as a dbt process's would. It exits
after IDLE_SECONDS without a command.
"""

from __future__ import annotations

import fcntl
import gc
import json
import os
import re
import selectors
import signal
import socket
import stat
import struct
import sys
import time
import traceback
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from dbt.adapters.duckdb.connections import DuckDBConnectionManager
from dbt.cli.main import dbtRunner
from dbt.contracts.graph.manifest import Manifest
from dbt_common.clients.jinja import template_cache

from orchestration.dbt_daemon.paths import DBT, TRANSFORM_DIR, project_stamp

# Commands that read the project: with the kept manifest they skip parsing.
MANIFEST_COMMANDS = {"build", "run", "test", "seed", "snapshot", "compile", "list", "ls", "show"}
# Flags that change what a parse would produce: such commands parse for themselves.
PARSE_FLAGS = {"--vars", "--target", "-t", "--profile"}
PROFILE_ENV_VAR = re.compile(r"""env_var\(\s*['"](\w+)['"]""")
FORWARDED_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
HEADER = struct.Struct("!I")


@contextmanager
def environment(env: dict[str, str]):
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@dataclass
class KeptManifest:
    """The parsed project, parsed again when its files change or an env var it read changes."""

    target: Path
    manifest: Manifest | None = None
    stamp: float | None = None
    env_vars: dict[str, str] = field(default_factory=dict)

    def for_request(self, argv: list[str], cwd: str, env: dict[str, str]) -> Manifest | None:
        if command_of(argv) not in MANIFEST_COMMANDS or PARSE_FLAGS & {arg.split("=")[0] for arg in argv}:
            return None
        if {_folder(argv, cwd, env, "project"), _folder(argv, cwd, env, "profiles")} != {TRANSFORM_DIR}:
            return None
        stamp = project_stamp()
        stale = any(env.get(name) != value for name, value in self.env_vars.items())
        if self.manifest is None or stamp != self.stamp or stale:
            self.manifest, self.stamp = self._parse(env), stamp
        return self.manifest

    def _parse(self, env: dict[str, str]) -> Manifest | None:
        args = ["parse", "--project-dir", str(TRANSFORM_DIR), "--profiles-dir", str(TRANSFORM_DIR),
                "--target-path", str(self.target), "--log-path", str(self.target), "--log-level-file", "none"]
        started = time.monotonic()
        gc.unfreeze()  # the manifest parsed before may go
        with environment(env):
            result = dbtRunner().invoke(args)
        if not result.success:  # the child parses for itself and reports the error to its caller
            print(f"parse failed: {result.exception}", flush=True)
            return None
        # The manifest holds what the profile rendered too (the database is the warehouse file's
        # name), but dbt records only the env vars that the project's files read.
        profile_vars = PROFILE_ENV_VAR.findall((TRANSFORM_DIR / "profiles.yml").read_text())
        self.env_vars = {**result.result.env_vars, **{name: env.get(name) for name in profile_vars}}
        # What every child would otherwise do again: compile each macro's Jinja when first called
        # (dbt keeps the templates process-wide), and have the garbage collector walk, and so copy
        # page by page, all that the daemon holds. Together ~0.25 s of a sync's build.
        template_cache.clear()
        for macro in result.result.macros.values():
            template_cache.get_node_template(macro)
        gc.collect()
        gc.freeze()
        print(f"parsed the project in {time.monotonic() - started:.1f} s", flush=True)
        return result.result


def command_of(argv: list[str]) -> str | None:
    return next((arg for arg in argv if not arg.startswith("-")), None)


def _folder(argv: list[str], cwd: str, env: dict[str, str], kind: str) -> Path:
    """The project or profiles folder of a command, found as dbt finds it."""
    flag = f"--{kind}-dir"
    for i, arg in enumerate(argv):
        if arg == flag and i + 1 < len(argv):
            return Path(cwd, argv[i + 1]).resolve()
        if arg.startswith(flag + "="):
            return Path(cwd, arg.split("=", 1)[1]).resolve()
    default = "." if kind == "project" or Path(cwd, "profiles.yml").exists() else Path.home() / ".dbt"
    return Path(cwd, env.get(f"DBT_{kind.upper()}_DIR", default)).resolve()


def exit_code(result) -> int:
    """dbt's own: 0 success, 1 a node failed, 2 dbt itself failed."""
    if result.success:
        return 0
    return 2 if result.exception is not None else 1


def run_child(request: dict, manifest: Manifest | None) -> int:
    """In the forked child, with the caller's streams on 0, 1 and 2: dbt, as the caller asked."""
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    if manifest is None and command_of(request["argv"]) is not None:
        # A parse in a fork hangs: dbt's static parser (Rust) keeps threads in the daemon that the
        # fork does not have. Such a command is a dbt process of its own, as without the daemon.
        os.execv(DBT, [str(DBT), *request["argv"]])
    sys.stdout.reconfigure(line_buffering=True)  # Dagster turns each line into an event as it comes
    result = dbtRunner(manifest=manifest).invoke(request["argv"])
    if result.exception is not None and not result.success:
        print(f"dbt: {result.exception}", file=sys.stderr)
    # What dbt-duckdb does at a process's exit, which a fork's os._exit skips: close the database,
    # so that DuckDB checkpoints its WAL into the file as after a `dbt` process.
    DuckDBConnectionManager.close_all_connections()
    return exit_code(result)


@dataclass
class Job:
    conn: socket.socket | None
    pid: int
    pidfd: int
    request: dict
    started: float = field(default_factory=time.monotonic)


class Server:
    def __init__(self, listener: socket.socket, kept: KeptManifest, idle: float) -> None:
        self.listener, self.kept, self.idle = listener, kept, idle
        self.selector = selectors.DefaultSelector()
        self.selector.register(listener, selectors.EVENT_READ, None)
        self.jobs: list[Job] = []
        self.last_active = time.monotonic()

    def serve(self) -> None:
        while True:
            timeout = None if self.jobs else self.idle - (time.monotonic() - self.last_active)
            if timeout is not None and timeout <= 0:
                return
            for key, _ in self.selector.select(timeout):
                if key.data is None:
                    self._accept()
                elif key.fileobj is key.data.conn:
                    self._from_client(key.data)
                else:
                    self._finished(key.data)

    def _accept(self) -> None:
        conn, _ = self.listener.accept()
        try:
            request, fds = _receive(conn)
        except (OSError, ValueError) as error:
            print(f"bad request: {error}", flush=True)
            conn.close()
            return
        try:
            try:
                manifest = self.kept.for_request(request["argv"], request["cwd"], request["env"])
            except Exception:  # the command still runs: as a dbt process of its own
                traceback.print_exc()
                manifest = None
            sys.stdout.flush()
            pid = os.fork()
            if pid == 0:
                self._child(request, fds, manifest, conn)
        finally:
            for fd in fds:
                os.close(fd)
        # First tell the client that dbt runs: a client that hears nothing may run the command again.
        _send(conn, {"pid": pid})
        job = Job(conn, pid, os.pidfd_open(pid), request)  # Linux: a descriptor that wakes on exit
        self.jobs.append(job)
        self.selector.register(conn, selectors.EVENT_READ, job)
        self.selector.register(job.pidfd, selectors.EVENT_READ, job)

    def _child(self, request: dict, fds: list[int], manifest: Manifest | None, conn: socket.socket) -> None:
        code = 2
        try:
            for number, fd in enumerate(fds):
                os.dup2(fd, number)
            for own in (self.listener, conn, *(job.conn for job in self.jobs if job.conn)):
                own.close()
            for fd in (*fds, *(job.pidfd for job in self.jobs)):
                os.close(fd)
            self.selector.close()
            code = run_child(request, manifest)
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)

    def _from_client(self, job: Job) -> None:
        data = job.conn.recv(4096)
        if not data:  # the client is gone (killed): nobody waits for this command any more
            self.selector.unregister(job.conn)
            job.conn.close()
            job.conn = None
            os.kill(job.pid, signal.SIGTERM)
            return
        for line in data.splitlines():
            try:
                number = json.loads(line).get("signal")
            except (ValueError, AttributeError):
                continue
            if number in FORWARDED_SIGNALS:
                os.kill(job.pid, number)

    def _finished(self, job: Job) -> None:
        _, status, usage = os.wait4(job.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        code = code if code >= 0 else 128 - code  # killed by a signal: the shell's convention
        # One line per command, for whoever wonders what the daemon did (the benchmark reads it too).
        print(json.dumps({
            "pid": job.pid, "argv": job.request["argv"], "target": job.request["env"].get("DBT_TARGET_PATH"),
            "exit": code, "seconds": round(time.monotonic() - job.started, 3),
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3), "max_rss_kib": usage.ru_maxrss,
        }), flush=True)
        self.selector.unregister(job.pidfd)
        os.close(job.pidfd)
        if job.conn is not None:
            self.selector.unregister(job.conn)
            _send(job.conn, {"exit": code})
            job.conn.close()
        self.jobs.remove(job)
        self.last_active = time.monotonic()


def _send(conn: socket.socket, message: dict) -> None:
    """One line to the client. A client gone meanwhile is no error: for a running command the
    selector sees it hang up, and the child is stopped."""
    with suppress(OSError):
        conn.sendall(json.dumps(message).encode() + b"\n")


def _receive(conn: socket.socket) -> tuple[dict, list[int]]:
    """A request: its length, then its JSON ({argv, cwd, env}), with the caller's stdin, stdout and
    stderr attached to the first bytes."""
    conn.settimeout(10)
    if conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))[4:8] != struct.pack(
            "i", os.getuid()):
        raise ValueError("a caller of another user")
    data, fds, _, _ = socket.recv_fds(conn, 1 << 16, 3)
    try:
        if len(fds) != 3 or len(data) < HEADER.size:
            raise ValueError("no streams or no header")
        size = HEADER.unpack_from(data)[0]
        while len(data) < HEADER.size + size:
            more = conn.recv(1 << 16)
            if not more:
                raise ValueError("truncated request")
            data += more
        request = json.loads(data[HEADER.size:])
        if not (isinstance(request, dict) and isinstance(request.get("argv"), list)
                and isinstance(request.get("cwd"), str) and isinstance(request.get("env"), dict)):
            raise ValueError("a request is {argv, cwd, env}")
    except (OSError, ValueError):
        for fd in fds:
            os.close(fd)
        raise
    conn.settimeout(None)
    return request, fds


def main(argv: list[str] | None = None) -> int:
    path, idle = (argv or sys.argv[1:])[:2]
    path = Path(path)
    lock = open(path.with_suffix(".lock"), "a+")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        if path.exists():
            return 0  # another daemon serves this socket
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other one is exiting: take over after it
    lock.truncate(0)
    lock.write(str(os.getpid()))  # for stop_daemon(); the lock says whether it is still true
    lock.flush()
    if stat.S_ISREG(os.fstat(sys.stdout.fileno()).st_mode):
        os.ftruncate(sys.stdout.fileno(), 0)  # the log (appended to) starts again with each daemon
    path.unlink(missing_ok=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(16)
    print(f"dbt daemon {os.getpid()} on {path}, idle {idle} s", flush=True)
    try:
        Server(listener, KeptManifest(path.with_suffix(".target")), float(idle)).serve()
    finally:
        path.unlink(missing_ok=True)  # before the lock goes: a newcomer then binds a fresh socket
        listener.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
