"""A throwaway MongoDB-protocol server for one test session: FerretDB on SQLite, a direct child
of the tests.

No registry ships a mongod binary, so the tests speak to FerretDB v1.24.2 (recipe from
../shared/environment.md). Its module lacks the generated build/version/version.txt that the
binary needs at start, so `build()` compiles it once from a copy of the module source with that
file written, into the user's cache; scripts/install-servers builds it ahead of the tests. What
FerretDB does not do (transactions, change streams, TTL indexes, safe concurrent updates of one
document) is listed in the generated service's README.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from support.servers.process import free_port, listening, scratch, stop, wait_until

PACKAGES: tuple[str, ...] = ()
MODULE = "github.com/FerretDB/FerretDB"
VERSION = "v1.24.2"


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gogen" / f"ferretdb-{VERSION}"


def binary() -> Path:
    return cache_dir() / "ferretdb"


def installed() -> bool:
    """The binary is built, or can be: Go is on PATH."""
    return binary().is_file() or shutil.which("go") is not None


def go_env() -> dict[str, str]:
    env = dict(os.environ)
    env["GOFLAGS"] = "-buildvcs=false"
    env["GOTOOLCHAIN"] = "local"
    env["CGO_ENABLED"] = "0"
    return env


def build() -> Path:
    """Build FerretDB into the cache unless it is there; safe to call from concurrent processes
    (a lock file serialises them, and the binary appears by an atomic rename, never half-written)."""
    target = binary()
    if target.is_file():
        return target
    if shutil.which("go") is None:
        raise RuntimeError(f"go is not on PATH: it is needed to build FerretDB {VERSION}")
    target.parent.mkdir(parents=True, exist_ok=True)
    with (target.parent / ".build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.is_file():
            return target
        env = go_env()
        download = subprocess.run(["go", "mod", "download", "-json", f"{MODULE}@{VERSION}"],
                                  capture_output=True, text=True, env=env, check=False)
        if download.returncode != 0:
            raise RuntimeError(f"go mod download {MODULE}@{VERSION} failed:\n{download.stdout}{download.stderr}")
        source = Path(json.loads(download.stdout)["Dir"])
        with tempfile.TemporaryDirectory(prefix=".build-", dir=target.parent) as tmp:
            work = Path(tmp) / "src"
            shutil.copytree(source, work)
            for path in [work, *work.rglob("*")]:  # the module cache is read-only
                path.chmod(path.stat().st_mode | 0o200)
            (work / "build" / "version" / "version.txt").write_text(VERSION + "\n")
            built = Path(tmp) / "ferretdb"
            proc = subprocess.run(["go", "build", "-trimpath", "-o", str(built), "./cmd/ferretdb"],
                                  cwd=work, capture_output=True, text=True, env=env, check=False)
            if proc.returncode != 0:
                raise RuntimeError(f"building FerretDB {VERSION} failed:\n{proc.stderr}")
            built.replace(target)
    return target




@dataclass
class FerretDB:
    port: int
    process: subprocess.Popen[bytes]

    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/"

    def env(self) -> dict[str, str]:
        """MONGODB_URI of the server and a MONGODB_DATABASE no other service uses."""
        return {"MONGODB_URI": self.uri(), "MONGODB_DATABASE": f"svc_{secrets.token_hex(6)}"}


@contextmanager
def throwaway_server() -> Iterator[FerretDB]:
    program = build()
    with scratch("gogen-ferretdb-") as base:
        (base / "data").mkdir()
        port = free_port()
        log = (base / "server.log").open("wb")
        process = subprocess.Popen(
            [str(program), "--handler=sqlite", f"--sqlite-url=file:{base / 'data'}/",
             f"--listen-addr=127.0.0.1:{port}", "--telemetry=disable", "--debug-addr=-",
             f"--state-dir={base}", "--log-level=warn"],
            stdout=log, stderr=subprocess.STDOUT)
        server = FerretDB(port, process)
        try:
            wait_until(listening(port), process, "FerretDB", base / "server.log", interval=0.02)
            yield server
        finally:
            stop(process)
            log.close()


if __name__ == "__main__":
    started = time.monotonic()
    print(f"FerretDB {VERSION} at {build()} ({time.monotonic() - started:.1f}s)")
