"""The other services around a generated service with brokers, in gogen's end-to-end tests: each
broker's probe sends the service instructions the way another service would (CloudEvents in
binary content mode, retried through outages until the broker confirms them) and reads back every
event the service published.

A probe is made before the service starts, so that it sees every event from the first one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Message:
    """A CloudEvent as a probe sends or reads it."""

    id: str
    source: str
    type: str
    subject: str
    data: bytes


class Probe(Protocol):
    def service_env(self) -> dict[str, str]:
        """The variables that point the service at the probe's topology."""
        ...

    def send(self, message: Message) -> None:
        """Send message to the service's input; retry through outages until the broker stored it."""
        ...

    def events(self) -> list[Message]:
        """Every event the service published since the probe was made, in the order received."""
        ...

    def outage(self) -> None:
        """Take the broker down hard and bring it back (on the same data)."""
        ...

    def close(self) -> None:
        ...
