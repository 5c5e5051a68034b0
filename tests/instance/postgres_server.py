"""A throwaway PostgreSQL server for the tests: ``initdb`` in a temporary directory, then
``postgres`` on 127.0.0.1 at a free port, its unix socket in the same directory.

``throwaway_postgres()`` yields a ``postgresql+psycopg://`` URL of a fresh database and
stops the server (fast shutdown) and removes the directory afterwards. On Linux the server
also gets a parent-death signal, so it stops even if the test process is killed.

The binaries are looked up on ``PATH`` and in Debian's ``/usr/lib/postgresql/<version>/bin``
(``scripts/ci-postgres.sh`` installs the ``postgresql`` package in CI). ``initdb`` refuses
to run as root, so under root the server runs as the ``postgres`` user (created by that
package) and the directory is handed to it.

``PostgresUnavailable`` says why no server could be started; the fixture turns it into a
skip, or a failure when ``DASKFLOW_REQUIRE_POSTGRES=1`` (set by ``.ci/run``).
"""

from __future__ import annotations

import contextlib
import ctypes
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

__all__ = ["PostgresUnavailable", "find_binaries", "throwaway_postgres"]

USER = "daskflow"
DATABASE = "daskflow_test"
_SERVER_SETTINGS = {  # a disposable server: durability off, small footprint
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "full_page_writes": "off",
    "synchronous_commit": "off",
    "max_connections": "40",
    "shared_buffers": "16MB",
    "dynamic_shared_memory_type": "mmap",  # no /dev/shm needed (small in containers)
}
_START_TIMEOUT = 60.0
_PR_SET_PDEATHSIG = 1


class PostgresUnavailable(RuntimeError):
    """No throwaway server could be started here; the message says why."""


def find_binaries() -> dict[str, str] | None:
    """Paths of ``initdb`` and ``postgres`` (same installation), or None."""
    candidates = []
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(os.path.realpath(initdb)).parent)
    versions = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += sorted(
        (Path(p) for p in versions), key=lambda p: _version_key(p.parent.name), reverse=True
    )
    for folder in candidates:
        paths = {name: folder / name for name in ("initdb", "postgres")}
        if all(os.access(path, os.X_OK) for path in paths.values()):
            return {name: str(path) for name, path in paths.items()}
    return None


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run_as() -> dict[str, object]:
    """``subprocess`` arguments that drop root to the ``postgres`` user (nothing otherwise)."""
    if os.geteuid() != 0:
        return {}
    try:
        account = pwd.getpwnam("postgres")
    except KeyError:
        raise PostgresUnavailable(
            "running as root, and initdb refuses root, but there is no 'postgres' user to run "
            "the server as (install Debian's postgresql package)"
        ) from None
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


def _die_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` giving the server SIGINT (fast shutdown) when its parent dies."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None

    def set_parent_death_signal() -> None:
        prctl(_PR_SET_PDEATHSIG, int(signal.SIGINT))

    return set_parent_death_signal


def _initdb(binaries: dict[str, str], root: Path, run_as: dict[str, object]) -> Path:
    data = root / "data"
    command = [
        binaries["initdb"],
        "-D",
        str(data),
        "-U",
        USER,
        "--auth=trust",
        "--encoding=UTF8",
        "--locale=C",
        "--no-sync",
        "--no-instructions",
    ]
    done = subprocess.run(
        command,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "LC_ALL": "C"},
        **run_as,
    )
    if done.returncode != 0:
        raise PostgresUnavailable(
            f"initdb failed ({done.returncode}): {(done.stderr or done.stdout).strip()[-2000:]}"
        )
    return data


def _start(
    binaries: dict[str, str], root: Path, data: Path, port: int, run_as: dict[str, object]
) -> subprocess.Popen[bytes]:
    settings = [arg for key, value in _SERVER_SETTINGS.items() for arg in ("-c", f"{key}={value}")]
    command = [binaries["postgres"], "-D", str(data), "-p", str(port), "-k", str(root), *settings]
    with open(root / "server.log", "ab") as log:
        return subprocess.Popen(
            command,
            cwd=root,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent(),
            **run_as,
        )


def _wait_ready(server: subprocess.Popen[bytes], port: int, root: Path) -> None:
    """Connect until the server accepts connections, then create the test database."""
    import psycopg

    deadline = time.monotonic() + _START_TIMEOUT
    while True:
        if server.poll() is not None:
            log = (root / "server.log").read_text(errors="replace")[-2000:]
            raise PostgresUnavailable(f"postgres exited with {server.returncode}: {log}")
        try:
            with psycopg.connect(
                host="127.0.0.1",
                port=port,
                user=USER,
                dbname="postgres",
                connect_timeout=2,
                autocommit=True,
            ) as conn:
                conn.execute(f"CREATE DATABASE {DATABASE}")
            return
        except psycopg.OperationalError as exc:
            if time.monotonic() > deadline:
                raise PostgresUnavailable(
                    f"postgres did not accept connections in {_START_TIMEOUT:.0f} s: {exc}"
                ) from exc
            time.sleep(0.1)


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGINT)  # fast shutdown: disconnect clients, checkpoint
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    """Start a private server with an empty database; yield its SQLAlchemy URL."""
    binaries = find_binaries()
    if binaries is None:
        raise PostgresUnavailable(
            "PostgreSQL server binaries (initdb, postgres) not found on PATH or in "
            "/usr/lib/postgresql/*/bin; install them (scripts/ci-postgres.sh does) or set "
            "DASKFLOW_TEST_POSTGRES_URL"
        )
    run_as = _run_as()
    root = Path(tempfile.mkdtemp(prefix="daskflow-pg-"))
    server = None
    try:
        if run_as:
            os.chown(root, run_as["user"], run_as["group"])  # type: ignore[arg-type]
        data = _initdb(binaries, root, run_as)
        for attempt in range(3):  # another process may take the free port first
            port = _free_port()
            server = _start(binaries, root, data, port, run_as)
            try:
                _wait_ready(server, port, root)
                break
            except PostgresUnavailable:
                _stop(server)
                if attempt == 2:
                    raise
        yield f"postgresql+psycopg://{USER}@127.0.0.1:{port}/{DATABASE}"
    finally:
        if server is not None:
            _stop(server)
        shutil.rmtree(root, ignore_errors=True)
