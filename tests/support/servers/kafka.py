"""A throwaway Apache Kafka broker for one test session, run as a direct child of the tests.

No Debian package ships Kafka: `build()` fetches Apache Kafka 4.4.0 and a log4j binding from
Maven Central with Maven, once, into the user's cache (recipe from ../shared/environment.md);
scripts/install-servers runs it ahead of the tests. The broker runs single-node in KRaft mode
(broker and controller in one JVM) on loopback, with a small heap, on a log directory formatted
for it. kill() and start() restart it on the same data.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from support.servers.process import free_port, listening, scratch, stop, wait_until

PACKAGES = ("maven", "default-jre-headless")
VERSION = "4.4.0"
LOG4J = "2.25.5"
POM = f"""<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.gogen</groupId>
  <artifactId>kafka-server</artifactId>
  <version>1</version>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>{VERSION}</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>{LOG4J}</version>
    </dependency>
  </dependencies>
</project>
"""
LOG4J2 = """<Configuration status="warn">
  <Appenders><Console name="out" target="SYSTEM_OUT"><PatternLayout pattern="%d %p %c - %m%n"/></Console></Appenders>
  <Loggers><Root level="warn"><AppenderRef ref="out"/></Root></Loggers>
</Configuration>
"""


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gogen" / f"kafka-{VERSION}"


def lib() -> Path:
    return cache_dir() / "lib"


def installed() -> bool:
    """The jars are fetched, or can be: Java and Maven are on PATH."""
    return shutil.which("java") is not None and (lib().is_dir() or shutil.which("mvn") is not None)


def build() -> Path:
    """Fetch Kafka's jars into the cache unless they are there; safe to call from concurrent
    processes (a lock serialises them, and the folder appears by an atomic rename)."""
    target = lib()
    if target.is_dir():
        return target
    if shutil.which("mvn") is None or shutil.which("java") is None:
        raise RuntimeError(f"java and mvn are needed to fetch Apache Kafka {VERSION}")
    target.parent.mkdir(parents=True, exist_ok=True)
    with (target.parent / ".build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.is_dir():
            return target
        with tempfile.TemporaryDirectory(prefix=".build-", dir=target.parent) as tmp:
            (Path(tmp) / "pom.xml").write_text(POM)
            proc = subprocess.run(
                ["mvn", "-q", "-B", "dependency:copy-dependencies", "-DoutputDirectory=lib", "-DincludeScope=runtime"],
                cwd=tmp, capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                raise RuntimeError(f"fetching Apache Kafka {VERSION} failed:\n{proc.stdout}{proc.stderr}")
            (Path(tmp) / "lib").replace(target)
    return target


@dataclass
class Kafka:
    base: Path
    port: int
    controller_port: int
    process: subprocess.Popen[bytes] | None = None

    def brokers(self) -> str:
        return f"127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        """KAFKA_BROKERS; the generated tests name topics and groups of their own."""
        return {"KAFKA_BROKERS": self.brokers()}

    def java(self, *args: str) -> list[str]:
        return ["java", "-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                f"-Dlog4j2.configurationFile={self.base / 'log4j2.xml'}", "-cp", f"{lib()}/*", *args]

    def configure(self) -> None:
        (self.base / "log4j2.xml").write_text(LOG4J2)
        (self.base / "server.properties").write_text("\n".join([
            "process.roles=broker,controller",
            "node.id=1",
            f"controller.quorum.voters=1@127.0.0.1:{self.controller_port}",
            f"listeners=PLAINTEXT://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{self.controller_port}",
            f"advertised.listeners=PLAINTEXT://127.0.0.1:{self.port}",
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            f"log.dirs={self.base / 'data'}",
            "num.partitions=1",
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=4",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            "broker.session.timeout.ms=2000",
            "broker.heartbeat.interval.ms=500",
            "auto.create.topics.enable=false",
            "",
        ]))
        proc = subprocess.run(
            self.java("kafka.tools.StorageTool", "format", "-t", str(uuid.uuid4()).replace("-", "")[:22],
                      "-c", str(self.base / "server.properties")),
            capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"formatting Kafka's storage failed:\n{proc.stdout}{proc.stderr}")

    def start(self, timeout: float = 60) -> None:
        """Start the broker (again, on the same data) and wait until it accepts connections."""
        log = (self.base / "server.log").open("ab")
        self.process = subprocess.Popen(self.java("kafka.Kafka", str(self.base / "server.properties")),
                                        stdout=log, stderr=subprocess.STDOUT)
        log.close()
        wait_until(listening(self.port), self.process, "kafka", self.base / "server.log", timeout=timeout,
                   interval=0.1)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process, timeout=30)
            self.process = None

    def kill(self) -> None:
        """Kill the broker at once, as a crash would."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@contextmanager
def throwaway_server() -> Iterator[Kafka]:
    build()
    with scratch("gogen-kafka-") as base:
        server = Kafka(base, free_port(), free_port())
        try:
            server.configure()
            server.start()
            yield server
        finally:
            server.stop()


if __name__ == "__main__":
    started = time.monotonic()
    print(f"Apache Kafka {VERSION} at {build()} ({time.monotonic() - started:.1f}s)")
