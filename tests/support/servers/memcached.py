"""A throwaway Memcached server for one test session, run as a direct child of the tests.

Recipe from ../shared/environment.md: `memcached` on a free loopback port, TCP only, 64 MB; as
root it needs `-u`. Readiness is one `version` round trip. Stopped with SIGTERM and waited for.
The generated tests put keys under a prefix of their own, so services can share the server.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from support.servers.process import free_port, replies, stop, wait_until

PACKAGES = ("memcached",)


def installed() -> bool:
    return binary() is not None


def binary() -> str | None:
    return shutil.which("memcached") or next(
        (p for p in ("/usr/bin/memcached", "/usr/sbin/memcached") if Path(p).exists()), None)


@dataclass
class Memcached:
    port: int
    process: subprocess.Popen[bytes]

    @property
    def addr(self) -> str:
        return f"127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        """MEMCACHED_ADDR of the server."""
        return {"MEMCACHED_ADDR": self.addr}

    def version(self) -> bool:
        return replies(self.port, b"version\r\n", b"VERSION")


@contextmanager
def throwaway_server() -> Iterator[Memcached]:
    path = binary()
    if path is None:
        raise RuntimeError("memcached is not installed (apt-get install memcached)")
    port = free_port()
    user = ["-u", "nobody"] if os.geteuid() == 0 else []
    process = subprocess.Popen([path, "-l", "127.0.0.1", "-p", str(port), "-U", "0", "-m", "64", *user],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = Memcached(port, process)
    try:
        wait_until(server.version, process, "memcached", timeout=10, interval=0.02)
        yield server
    finally:
        stop(process, timeout=10)
        if process.stderr:
            process.stderr.close()
