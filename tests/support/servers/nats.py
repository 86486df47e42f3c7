"""A throwaway NATS server with JetStream for one test session, run as a direct child of the tests.

Recipe from ../shared/environment.md: `nats-server -js` on a free loopback port with its own
store directory (-sd: the default store is shared), ready when its monitoring endpoint answers
/healthz. Streams survive kill() and start() on the same store, as durable consumers and their
unacknowledged messages do.
"""

from __future__ import annotations

import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from support.servers.process import free_port, scratch, stop, wait_until

PACKAGES = ("nats-server",)


def installed() -> bool:
    return shutil.which("nats-server") is not None


@dataclass
class NATS:
    base: Path
    port: int
    monitor_port: int
    process: subprocess.Popen[bytes] | None = None

    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        """NATS_URL; the generated tests name streams and subjects of their own."""
        return {"NATS_URL": self.url()}

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.monitor_port}/healthz", timeout=1) as r:
                return bool(r.status == 200)
        except OSError:
            return False

    def start(self) -> None:
        """Start the server (again, on the same store) and wait until it is healthy."""
        log = (self.base / "server.log").open("ab")
        self.process = subprocess.Popen(
            ["nats-server", "-a", "127.0.0.1", "-p", str(self.port), "-m", str(self.monitor_port), "-js",
             "-sd", str(self.base / "js")],
            stdout=log, stderr=subprocess.STDOUT)
        log.close()
        wait_until(self.healthy, self.process, "nats-server", self.base / "server.log", timeout=30, interval=0.02)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process, timeout=30)
            self.process = None

    def kill(self) -> None:
        """Kill the server at once, as a crash would."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@contextmanager
def throwaway_server() -> Iterator[NATS]:
    if not installed():
        raise RuntimeError("nats-server is not installed (apt-get install nats-server)")
    with scratch("gogen-nats-") as base:
        server = NATS(base, free_port(), free_port())
        try:
            server.start()
            yield server
        finally:
            server.stop()
