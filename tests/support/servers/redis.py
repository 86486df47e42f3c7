"""A throwaway Redis server for one test session, run as a direct child of the tests.

Recipe from ../shared/environment.md: `redis-server` on a free loopback port with persistence off,
ready in a few milliseconds; stopped with SIGTERM and waited for. Each service gets a database
number of its own (Redis has 16), so two services' tests never share keys.
"""

from __future__ import annotations

import itertools
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from support.servers.postgres import free_port

PACKAGES = ("redis-server",)
DATABASES = 16


def installed() -> bool:
    return shutil.which("redis-server") is not None


@dataclass
class Redis:
    port: int
    process: subprocess.Popen[bytes]
    databases: Iterator[int] = field(default_factory=lambda: itertools.cycle(range(DATABASES)))

    def url(self, database: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"

    def env(self) -> dict[str, str]:
        """REDIS_URL of a database number of the service's own (cycling over the 16)."""
        return {"REDIS_URL": self.url(next(self.databases))}

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@contextmanager
def throwaway_server() -> Iterator[Redis]:
    if not installed():
        raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
    base = Path(tempfile.mkdtemp(prefix="gogen-redis-"))
    try:
        port = free_port()
        log = (base / "server.log").open("wb")
        process = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(base), "--databases", str(DATABASES)],
            stdout=log, stderr=subprocess.STDOUT)
        server = Redis(port, process)
        try:
            wait_ready(server, base / "server.log")
            yield server
        finally:
            stop(process)
            log.close()
    finally:
        shutil.rmtree(base, ignore_errors=True)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_ready(server: Redis, log: Path, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"redis-server exited at start:\n{log.read_text()}")
        if server.ping():
            return
        time.sleep(0.02)
    raise RuntimeError(f"redis-server was not ready in {timeout}s:\n{log.read_text()}")
