"""A throwaway Redis server for one test session, run as a direct child of the tests.

Recipe from ../shared/environment.md: `redis-server` on a free loopback port with persistence off,
ready in a few milliseconds; stopped with SIGTERM and waited for. Each service gets a database
number of its own (Redis has 16), so two services' tests never share keys.
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from support.servers.process import free_port, replies, scratch, stop, wait_until

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
        return replies(self.port, b"PING\r\n", b"+PONG")


@contextmanager
def throwaway_server() -> Iterator[Redis]:
    if not installed():
        raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
    with scratch("gogen-redis-") as base:
        port = free_port()
        log = (base / "server.log").open("wb")
        process = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(base), "--databases", str(DATABASES)],
            stdout=log, stderr=subprocess.STDOUT)
        server = Redis(port, process)
        try:
            wait_until(server.ping, process, "redis-server", base / "server.log", timeout=10, interval=0.02)
            yield server
        finally:
            stop(process, timeout=10)
            log.close()
