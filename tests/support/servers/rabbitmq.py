"""A throwaway RabbitMQ node for one test session, run as a direct child of the tests.

Recipe from ../shared/environment.md: an isolated node (its own HOME with an Erlang cookie, node
name, ports, data, logs and an empty plugin list) started with /usr/lib/rabbitmq/bin first on
PATH (the /usr/sbin wrappers switch user), ready when an AMQP handshake on its port is answered
(the CLI answers before boot has finished). Each service gets a virtual host of its own. Outages:
`stop_app` closes AMQP with the VM up, `start_app` reopens it; kill() and start() kill the BEAM
and start the node again on the same data.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from support.servers.process import free_port, replies, scratch, stop, wait_until

PACKAGES = ("rabbitmq-server",)
BIN = Path("/usr/lib/rabbitmq/bin")
HANDSHAKE = b"AMQP\x00\x00\x09\x01"


def installed() -> bool:
    return (BIN / "rabbitmq-server").exists() and shutil.which("erl") is not None


@dataclass
class RabbitMQ:
    base: Path
    port: int
    dist_port: int
    process: subprocess.Popen[bytes] | None = None
    vhosts: list[str] = field(default_factory=list)

    @property
    def node(self) -> str:
        return f"gogen{self.port}@localhost"

    def environ(self) -> dict[str, str]:
        home = self.base / "home"
        return {
            **os.environ,
            "HOME": str(home),
            "PATH": f"{BIN}:{os.environ.get('PATH', '')}",
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": str(self.base / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.base / "log"),
            "RABBITMQ_PID_FILE": str(self.base / "rabbitmq.pid"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.base / "enabled_plugins"),
            "RABBITMQ_CONFIG_FILE": str(self.base / "rabbitmq"),
            "RABBITMQ_CONF_ENV_FILE": str(self.base / "rabbitmq-env.conf"),
        }

    def url(self, vhost: str = "") -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/{vhost}"

    def ctl(self, *args: str) -> str:
        proc = subprocess.run([str(BIN / "rabbitmqctl"), "-n", self.node, *args], env=self.environ(),
                              capture_output=True, text=True, timeout=120, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"rabbitmqctl {' '.join(args)} failed: {proc.stdout}{proc.stderr}")
        return proc.stdout

    def add_vhost(self) -> str:
        vhost = f"svc_{secrets.token_hex(6)}"
        self.ctl("add_vhost", vhost)
        self.ctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
        self.vhosts.append(vhost)
        return vhost

    def env(self) -> dict[str, str]:
        """RABBITMQ_URL of a virtual host of the service's own."""
        return {"RABBITMQ_URL": self.url(self.add_vhost())}

    def answers(self) -> bool:
        return replies(self.port, HANDSHAKE, b"\x01")

    def start(self, timeout: float = 90) -> None:
        """Start the node (again, on the same data) and wait for AMQP."""
        log = (self.base / "server.log").open("ab")
        self.process = subprocess.Popen([str(BIN / "rabbitmq-server")], env=self.environ(),
                                        stdout=log, stderr=subprocess.STDOUT)
        log.close()
        wait_until(self.answers, self.process, "rabbitmq-server", self.base / "server.log", timeout=timeout,
                   interval=0.1)

    def stop_app(self) -> None:
        """Close AMQP, the Erlang VM staying up: clients see the broker go away."""
        self.ctl("stop_app")

    def start_app(self) -> None:
        self.ctl("start_app")
        deadline = time.monotonic() + 60
        while not self.answers():
            if time.monotonic() > deadline:
                raise RuntimeError("RabbitMQ did not reopen AMQP after start_app")
            time.sleep(0.1)

    def beam_pid(self) -> int | None:
        try:
            return int((self.base / "rabbitmq.pid").read_text().strip())
        except (OSError, ValueError):
            return None

    def kill(self) -> None:
        """Kill the node at once (SIGKILL to the BEAM), as a crash would."""
        pid = self.beam_pid()
        if pid is not None:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=30)
            self.process = None

    def shutdown(self) -> None:
        if self.process is None:
            return
        pid = self.beam_pid()
        if pid is not None:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        stop(self.process, timeout=60)
        self.process = None


def epmd_pids() -> set[int]:
    proc = subprocess.run(["pgrep", "-x", "epmd"], capture_output=True, text=True, check=False)
    return {int(p) for p in proc.stdout.split()}


@contextmanager
def throwaway_server() -> Iterator[RabbitMQ]:
    if not installed():
        raise RuntimeError("RabbitMQ is not installed (apt-get install rabbitmq-server)")
    epmd_before = epmd_pids()
    with scratch("gogen-rabbitmq-") as base:
        home = base / "home"
        home.mkdir()
        cookie = home / ".erlang.cookie"
        cookie.write_text(secrets.token_hex(16))
        cookie.chmod(0o400)
        (base / "enabled_plugins").write_text("[].\n")
        (base / "rabbitmq.conf").write_text("")
        (base / "rabbitmq-env.conf").write_text("")
        server = RabbitMQ(base, free_port(), free_port())
        try:
            server.start()
            yield server
        finally:
            server.shutdown()
            # epmd outlives the nodes: stop the one this server started.
            for pid in epmd_pids() - epmd_before:
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)
