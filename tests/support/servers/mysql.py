"""A throwaway MariaDB server for one test session, run as a direct child of the tests.

Recipe from ../shared/environment.md: mariadb-install-db --no-defaults into a temporary data
directory, mariadbd --no-defaults on a free loopback port (as root it needs --user=root), ready
when `SELECT 1` answers, stopped with SIGTERM and waited for so no zombie holds the directory.
Durability is relaxed (tests only). The MySQL protocol is the component's: MariaDB 10.11 is the
real server Debian ships.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from support.servers.process import answers, free_port, scratch, stop, wait_until

PACKAGES = ("mariadb-server", "mariadb-client")

USER = "gogen"


def installed() -> bool:
    return all(shutil.which(tool) for tool in ("mariadbd", "mariadb-install-db", "mariadb"))




@dataclass
class MariaDB:
    port: int
    password: str
    socket_path: Path
    process: subprocess.Popen[bytes]

    def dsn(self, database: str) -> str:
        return f"{USER}:{self.password}@tcp(127.0.0.1:{self.port})/{database}"

    def sql(self, statements: str) -> str:
        """Run statements as root over the server's socket (root has no password there)."""
        proc = subprocess.run(
            ["mariadb", "--no-defaults", f"--socket={self.socket_path}", "-uroot", "-N", "-B",
             "-e", statements],
            capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"mariadb failed: {proc.stderr}")
        return proc.stdout

    def create_database(self, name: str) -> str:
        self.sql(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
        return self.dsn(name)

    def env(self) -> dict[str, str]:
        """MYSQL_DSN of a new, empty database; its user may create and drop databases, as the
        generated tests do for each test."""
        return {"MYSQL_DSN": self.create_database(f"svc_{secrets.token_hex(6)}")}


def as_root() -> list[str]:
    return ["--user=root"] if os.geteuid() == 0 else []


@contextmanager
def throwaway_server() -> Iterator[MariaDB]:
    if not installed():
        raise RuntimeError("MariaDB is not installed (apt-get install mariadb-server mariadb-client)")
    with scratch("gogen-mariadb-") as base:
        data = base / "data"
        subprocess.run(
            ["mariadb-install-db", "--no-defaults", *as_root(), f"--datadir={data}",
             "--auth-root-authentication-method=normal", "--skip-test-db", "--innodb-log-file-size=8M"],
            check=True, capture_output=True)
        port = free_port()
        log = base / "err.log"
        process = subprocess.Popen(
            ["mariadbd", "--no-defaults", *as_root(), f"--datadir={data}", f"--port={port}",
             "--bind-address=127.0.0.1", f"--socket={base / 'sock'}", f"--pid-file={base / 'pid'}",
             f"--log-error={log}", "--skip-name-resolve", "--innodb-buffer-pool-size=64M",
             "--innodb-flush-log-at-trx-commit=2", "--max-connections=500"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        server = MariaDB(port, secrets.token_hex(12), base / "sock", process)
        try:
            # `mariadb-admin ping` succeeds even on "Access denied": poll with a real query.
            wait_until(answers(lambda: server.sql("SELECT 1")), process, "mariadbd", log)
            server.sql(f"CREATE USER '{USER}'@'127.0.0.1' IDENTIFIED BY '{server.password}';"
                       f" GRANT ALL ON *.* TO '{USER}'@'127.0.0.1'")
            yield server
        finally:
            stop(process)
