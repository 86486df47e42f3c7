"""The NATS probe: nats-py with JetStream, on streams and subjects of the test's own."""

from __future__ import annotations

import asyncio
import time

import nats
import nats.errors
import nats.js.errors
from nats.js.api import DeliverPolicy

from support.brokers import Message
from support.servers.nats import NATS

PREFIX = "ce-"
EVENTS = "probe.events"
INSTRUCTIONS = "probe.instructions"
EVENTS_STREAM = "PROBE_EVENTS"


class NATSProbe:
    def __init__(self, server: NATS) -> None:
        self.server = server

    def service_env(self) -> dict[str, str]:
        return {"NATS_URL": self.server.url(), "NATS_STREAM": EVENTS_STREAM, "NATS_EVENTS_SUBJECT": EVENTS,
                "NATS_INSTRUCTIONS_STREAM": "PROBE_INSTRUCTIONS", "NATS_INSTRUCTIONS_SUBJECT": INSTRUCTIONS,
                "NATS_DEAD_LETTER_STREAM": "PROBE_DEAD_LETTERS", "NATS_DEAD_LETTER_SUBJECT": "probe.dead-letters",
                "NATS_CONSUMER": "probe-ledger", "NATS_ACK_WAIT": "5s"}

    def send(self, message: Message) -> None:
        headers = {f"{PREFIX}specversion": "1.0", f"{PREFIX}id": message.id, f"{PREFIX}source": message.source,
                   f"{PREFIX}type": message.type, f"{PREFIX}subject": message.subject,
                   "content-type": "application/json"}
        deadline = time.monotonic() + 120
        while True:
            try:
                asyncio.run(self._publish(f"{INSTRUCTIONS}.{message.type}", message.data, headers))
                return
            except (nats.errors.Error, OSError, TimeoutError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    async def _publish(self, subject: str, data: bytes, headers: dict[str, str]) -> None:
        nc = await nats.connect(self.server.url(), connect_timeout=2, max_reconnect_attempts=0,
                                allow_reconnect=False)
        try:
            await nc.jetstream().publish(subject, data, headers=headers, timeout=5)
        finally:
            await nc.close()

    def events(self) -> list[Message]:
        return asyncio.run(self._events())

    async def _events(self) -> list[Message]:
        nc = await nats.connect(self.server.url(), connect_timeout=5)
        try:
            js = nc.jetstream()
            total = (await js.stream_info(EVENTS_STREAM)).state.messages
            sub = await js.subscribe(f"{EVENTS}.>", ordered_consumer=True, deliver_policy=DeliverPolicy.ALL)
            out = []
            while len(out) < total:
                msg = await sub.next_msg(timeout=30)
                h = msg.headers or {}
                out.append(Message(id=h.get(f"{PREFIX}id", ""), source=h.get(f"{PREFIX}source", ""),
                                   type=h.get(f"{PREFIX}type", ""), subject=h.get(f"{PREFIX}subject", ""),
                                   data=msg.data))
            await sub.unsubscribe()
            return out
        finally:
            await nc.close()

    def outage(self) -> None:
        self.server.kill()
        time.sleep(2)
        self.server.start()

    def close(self) -> None:
        pass
