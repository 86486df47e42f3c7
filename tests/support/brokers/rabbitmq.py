"""The RabbitMQ probe: pika, on a virtual host of the test's own."""

from __future__ import annotations

import time
from typing import Any

import pika
import pika.exceptions

from support.brokers import Message
from support.servers.rabbitmq import RabbitMQ

PREFIX = "cloudEvents:"
EXCHANGE = "probe.events"
INSTRUCTIONS = "probe.instructions"
QUEUE = "probe.instructions"
COLLECTOR = "probe.collector"


class RabbitMQProbe:
    def __init__(self, server: RabbitMQ) -> None:
        self.server = server
        self.vhost = server.add_vhost()
        self.connection: Any = None
        self.channel: Any = None
        channel = self.connect()
        # The service declares the same; declared here first so that no event is missed.
        channel.exchange_declare(EXCHANGE, exchange_type="topic", durable=True)
        channel.queue_declare(COLLECTOR, durable=True)
        channel.queue_bind(COLLECTOR, EXCHANGE, routing_key="#")

    def service_env(self) -> dict[str, str]:
        return {"RABBITMQ_URL": self.server.url(self.vhost), "RABBITMQ_EXCHANGE": EXCHANGE,
                "RABBITMQ_INSTRUCTIONS_EXCHANGE": INSTRUCTIONS, "RABBITMQ_QUEUE": QUEUE,
                "RABBITMQ_DEAD_LETTER_QUEUE": QUEUE + ".dead-letter", "RABBITMQ_RECONNECT_MAX_BACKOFF": "1s"}

    def connect(self) -> Any:
        if self.connection is None or self.connection.is_closed:
            params = pika.URLParameters(self.server.url(self.vhost))
            params.heartbeat = 0
            params.blocked_connection_timeout = 10
            self.connection = pika.BlockingConnection(params)
            self.channel = self.connection.channel()
            self.channel.confirm_delivery()
        return self.channel

    def send(self, message: Message) -> None:
        properties = pika.BasicProperties(
            content_type="application/json", delivery_mode=2, message_id=message.id, type=message.type,
            headers={f"{PREFIX}specversion": "1.0", f"{PREFIX}id": message.id, f"{PREFIX}source": message.source,
                     f"{PREFIX}type": message.type, f"{PREFIX}subject": message.subject})
        deadline = time.monotonic() + 120
        while True:
            try:
                channel = self.connect()
                channel.exchange_declare(INSTRUCTIONS, exchange_type="topic", durable=True)
                channel.queue_declare(QUEUE, durable=True)
                channel.queue_bind(QUEUE, INSTRUCTIONS, routing_key="#")
                channel.basic_publish(INSTRUCTIONS, message.type, message.data, properties, mandatory=True)
                return
            except (pika.exceptions.AMQPError, OSError):
                self.connection = None
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def events(self) -> list[Message]:
        channel = self.connect()
        out = []
        while True:
            method, properties, body = channel.basic_get(COLLECTOR, auto_ack=True)
            if method is None:
                return out
            headers = properties.headers or {}
            out.append(Message(id=str(headers.get(f"{PREFIX}id")), source=str(headers.get(f"{PREFIX}source")),
                               type=str(headers.get(f"{PREFIX}type")), subject=str(headers.get(f"{PREFIX}subject")),
                               data=body))

    def outage(self) -> None:
        self.server.kill()
        time.sleep(2)
        self.server.start()
        self.connection = None

    def close(self) -> None:
        if self.connection is not None and self.connection.is_open:
            self.connection.close()
