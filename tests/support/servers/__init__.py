"""Real servers for the integration tests of generated services, one module per component.

Each component that talks to a server owns a module here, registered in SERVERS, with:
  PACKAGES       the Debian packages that provide the server (scripts/install-servers installs them)
  installed()    whether the server can be started on this machine
  start()        a context manager running a throwaway instance on loopback, as a direct child
                 of the tests, whose `env()` gives the variables the generated tests read
  build()        optional: builds a server that no package provides (idempotent); run by
                 scripts/install-servers once the packages are in, and by start() if need be

`python3 tests/support/servers/__init__.py packages` prints the packages still missing;
`python3 tests/support/servers/__init__.py build` builds the servers that are built.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    __package__ = "support.servers"

from support.servers import kafka, memcached, mongo, mysql, nats, postgres, rabbitmq, redis


class Server(Protocol):
    def env(self) -> dict[str, str]:
        """Environment variables for one generated service's tests, on its own database."""
        ...


@dataclass(frozen=True)
class Component:
    packages: tuple[str, ...]
    installed: Callable[[], bool]
    start: Callable[[], AbstractContextManager[Server]]
    build: Callable[[], object] | None = None


SERVERS: dict[str, Component] = {
    "postgres": Component(postgres.PACKAGES, postgres.installed, postgres.throwaway_cluster),
    "mysql": Component(mysql.PACKAGES, mysql.installed, mysql.throwaway_server),
    "mongo": Component(mongo.PACKAGES, mongo.installed, mongo.throwaway_server, mongo.build),
    "redis": Component(redis.PACKAGES, redis.installed, redis.throwaway_server),
    "memcached": Component(memcached.PACKAGES, memcached.installed, memcached.throwaway_server),
    "rabbitmq": Component(rabbitmq.PACKAGES, rabbitmq.installed, rabbitmq.throwaway_server),
    "kafka": Component(kafka.PACKAGES, kafka.installed, kafka.throwaway_server, kafka.build),
    "nats": Component(nats.PACKAGES, nats.installed, nats.throwaway_server),
}


def needed(components: list[str]) -> list[str]:
    """The components of a service whose integration tests need a server."""
    return [c for c in components if c in SERVERS]


def missing_packages() -> Iterator[str]:
    for component in SERVERS.values():
        if not component.installed():
            yield from component.packages


def build() -> None:
    for component in SERVERS.values():
        if component.build is not None:
            component.build()


if __name__ == "__main__":
    if sys.argv[1:] == ["packages"]:
        print(" ".join(dict.fromkeys(missing_packages())))
    elif sys.argv[1:] == ["build"]:
        try:
            build()
        except RuntimeError as exc:
            raise SystemExit(f"install-servers: {exc}") from None
    else:
        raise SystemExit("usage: __init__.py packages|build")
