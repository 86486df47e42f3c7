"""A throwaway PostgreSQL cluster for one test session, run as a direct child of the tests.

Recipe from ../shared/environment.md: initdb as the postgres user (it refuses root), start the
server on a free loopback port with durability off (tests only), and stop it with SIGINT (fast
shutdown), waiting for the process so no zombie holds the data directory.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from support.servers.process import answers, free_port, scratch, stop, wait_until

PACKAGES = ("postgresql",)


def installed() -> bool:
    return pg_bin() is not None


def pg_bin() -> Path | None:
    root = Path("/usr/lib/postgresql")
    if not root.is_dir():
        return None
    versions = sorted((p for p in root.iterdir() if (p / "bin" / "postgres").exists()),
                      key=lambda p: int(p.name) if p.name.isdigit() else 0)
    return versions[-1] / "bin" if versions else None


@dataclass
class Postgres:
    port: int
    password: str
    socket_dir: Path
    process: subprocess.Popen[bytes]

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres:{self.password}@127.0.0.1:{self.port}/{database}?sslmode=disable"

    def psql(self, sql: str, database: str = "postgres") -> str:
        bindir = pg_bin()
        assert bindir is not None
        proc = subprocess.run(
            [str(bindir / "psql"), "-h", str(self.socket_dir), "-p", str(self.port), "-U", "postgres",
             "-d", database, "-v", "ON_ERROR_STOP=1", "-Atc", sql],
            capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"psql failed: {proc.stderr}")
        return proc.stdout

    def create_database(self, name: str) -> str:
        self.psql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def env(self) -> dict[str, str]:
        """DATABASE_URL of a new, empty database."""
        return {"DATABASE_URL": self.create_database(f"svc_{secrets.token_hex(6)}")}


def as_postgres_user() -> dict[str, object]:
    if os.geteuid() != 0:
        return {}
    return {"user": "postgres", "group": "postgres"}


@contextmanager
def throwaway_cluster() -> Iterator[Postgres]:
    bindir = pg_bin()
    if bindir is None:
        raise RuntimeError("PostgreSQL server binaries are not installed (apt-get install postgresql)")
    with scratch("gogen-pg-") as base:
        if os.geteuid() == 0:
            shutil.chown(base, "postgres", "postgres")
        password = secrets.token_hex(12)
        pwfile = base / "pw"
        pwfile.write_text(password + "\n")
        if os.geteuid() == 0:
            shutil.chown(pwfile, "postgres", "postgres")
        subprocess.run(
            [str(bindir / "initdb"), "-D", str(base / "data"), "-U", "postgres", f"--pwfile={pwfile}",
             "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "-N"],
            check=True, capture_output=True, **as_postgres_user())  # type: ignore[call-overload]
        port = free_port()
        log = (base / "server.log").open("wb")
        process = subprocess.Popen(
            [str(bindir / "postgres"), "-D", str(base / "data"), "-p", str(port), "-k", str(base),
             "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
             "-c", "full_page_writes=off", "-c", "max_connections=200"],
            stdout=log, stderr=subprocess.STDOUT, **as_postgres_user())  # type: ignore[call-overload]
        server = Postgres(port, password, base, process)
        try:
            wait_until(answers(lambda: server.psql("SELECT 1")), process, "postgres", base / "server.log",
                       interval=0.1)
            yield server
        finally:
            stop(process, signal.SIGINT)  # fast shutdown: SIGTERM would wait for every client
            log.close()
