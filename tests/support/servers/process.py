"""What every throwaway server of the tests shares: a free loopback port, a scratch directory,
polling until the server answers, and stopping it as a direct child of the tests (a signal, a
wait, a kill past the timeout), so that no zombie holds its port or data directory."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def scratch(prefix: str) -> Iterator[Path]:
    """A temporary directory for one server's data and log, removed afterwards."""
    base = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield base
    finally:
        shutil.rmtree(base, ignore_errors=True)


def wait_until(ready: Callable[[], bool], process: subprocess.Popen[bytes], name: str,
               log: Path | None = None, timeout: float = 30, interval: float = 0.05) -> None:
    """Poll ready() until it holds; fail at once, with the server's log, if the process exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited at start:\n{read(log)}")
        if ready():
            return
        time.sleep(interval)
    raise RuntimeError(f"{name} was not ready in {timeout}s:\n{read(log)}")


def answers(query: Callable[[], object]) -> Callable[[], bool]:
    """A readiness check of a query that raises RuntimeError until the server answers it."""
    def ready() -> bool:
        try:
            query()
        except RuntimeError:
            return False
        return True
    return ready


def listening(port: int) -> Callable[[], bool]:
    """A readiness check that the port accepts connections."""
    def ready() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            return False
    return ready


def replies(port: int, request: bytes, prefix: bytes) -> bool:
    """Whether the server on port answers request with a line starting with prefix."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(request)
            return s.recv(64).startswith(prefix)
    except OSError:
        return False


def stop(process: subprocess.Popen[bytes], sig: signal.Signals = signal.SIGTERM, timeout: float = 30) -> None:
    """Signal the server and wait for it; kill it if it outlives the timeout."""
    if process.poll() is None:
        process.send_signal(sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def read(log: Path | None) -> str:
    return log.read_text(errors="replace") if log is not None and log.exists() else ""
