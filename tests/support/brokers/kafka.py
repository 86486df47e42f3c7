"""The Kafka probe: confluent-kafka (librdkafka), on topics of the test's own."""

from __future__ import annotations

import time
from typing import Any

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from support.brokers import Message
from support.servers.kafka import Kafka

PREFIX = "ce_"
EVENTS = "probe.events"
INSTRUCTIONS = "probe.instructions"
DEAD_LETTERS = "probe.instructions.dead-letter"
PARTITIONS = 3
FENCE = "probe-fence"


class KafkaProbe:
    def __init__(self, server: Kafka) -> None:
        self.server = server
        admin = AdminClient({"bootstrap.servers": server.brokers()})
        futures = admin.create_topics([NewTopic(t, PARTITIONS, 1) for t in (EVENTS, INSTRUCTIONS, DEAD_LETTERS)])
        for future in futures.values():
            future.result(timeout=60)
        self.producer = Producer({"bootstrap.servers": server.brokers(), "enable.idempotence": True,
                                  "acks": "all", "message.timeout.ms": 120_000, "linger.ms": 0, "log_level": 0})

    def service_env(self) -> dict[str, str]:
        return {"KAFKA_BROKERS": self.server.brokers(), "KAFKA_TOPIC": EVENTS,
                "KAFKA_INSTRUCTIONS_TOPIC": INSTRUCTIONS, "KAFKA_DEAD_LETTER_TOPIC": DEAD_LETTERS,
                "KAFKA_GROUP": "probe-ledger", "KAFKA_RECONNECT_MAX_BACKOFF": "1s",
                # A killed replica leaves the group when its session times out: keep that short.
                "KAFKA_SESSION_TIMEOUT": "10s"}

    def send(self, message: Message) -> None:
        headers = [(f"{PREFIX}specversion", b"1.0"), (f"{PREFIX}id", message.id.encode()),
                   (f"{PREFIX}source", message.source.encode()), (f"{PREFIX}type", message.type.encode()),
                   (f"{PREFIX}subject", message.subject.encode()), ("content-type", b"application/json")]
        deadline = time.monotonic() + 120
        outcome: list[Any] = []
        while True:
            outcome.clear()
            self.producer.produce(INSTRUCTIONS, key=message.subject.encode(), value=message.data, headers=headers,
                                  on_delivery=lambda err, _msg: outcome.append(err))
            self.producer.flush(130)
            if outcome and outcome[0] is None:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"the instruction {message.id} was never stored: {outcome}")
            time.sleep(0.2)

    def fence(self) -> None:
        """Store a record on every partition of the events topic. A broker restarted after a
        crash may hold a partition's high watermark (how far consumers may read) below the
        records it had acknowledged until the next write to that partition; the fence is that
        write, so reading to the high watermark reads every acknowledged event, and an event the
        broker truly lost stays missing."""
        outcome: list[Any] = []
        for partition in range(PARTITIONS):
            self.producer.produce(EVENTS, value=b"", partition=partition, headers=[(FENCE, b"1")],
                                  on_delivery=lambda err, _msg: outcome.append(err))
        self.producer.flush(130)
        if len(outcome) != PARTITIONS or any(err is not None for err in outcome):
            raise RuntimeError(f"fencing {EVENTS} failed: {outcome}")

    def events(self) -> list[Message]:
        self.fence()
        consumer = Consumer({"bootstrap.servers": self.server.brokers(), "group.id": f"probe-{time.monotonic_ns()}",
                             "enable.auto.commit": False, "auto.offset.reset": "earliest"})
        try:
            partitions = [TopicPartition(EVENTS, p, 0) for p in range(PARTITIONS)]
            ends = {p.partition: consumer.get_watermark_offsets(p, timeout=30)[1] for p in partitions}
            consumer.assign(partitions)
            positions = {p: 0 for p in ends}
            out = []
            deadline = time.monotonic() + 120
            while any(positions[p] < ends[p] for p in ends):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"events not all read: at {positions}, ends {ends}")
                record = consumer.poll(1)
                if record is None:
                    continue
                if record.error():
                    raise KafkaException(record.error())
                positions[record.partition()] = record.offset() + 1
                headers = {k: v.decode() for k, v in record.headers() or []}
                if FENCE in headers:
                    continue
                out.append(Message(id=headers.get(f"{PREFIX}id", ""), source=headers.get(f"{PREFIX}source", ""),
                                   type=headers.get(f"{PREFIX}type", ""), subject=headers.get(f"{PREFIX}subject", ""),
                                   data=record.value()))
            return out
        finally:
            consumer.close()

    def outage(self) -> None:
        self.server.kill()
        time.sleep(2)
        self.server.start()

    def close(self) -> None:
        self.producer.flush(10)
