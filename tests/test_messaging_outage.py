"""Messaging under outages, end to end: two replicas of the built ledger service on a real
PostgreSQL and a real broker, while clients post transfers over HTTP to both and another service
sends transfer instructions (each one twice), have their broker killed and restarted twice and one
replica killed with SIGKILL and restarted once. Afterwards every committed transaction's event was
published at least once, and every instruction was applied exactly once, as counted in the
database; the events published more than once (only around a kill, with the relays taking turns)
are counted.

One test per broker; each broker's probe (tests/support/brokers) plays the other services.
"""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
import urllib.error
import uuid
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

from support.brokers import Message, Probe
from support.gotool import go_env, run
from support.render import render_service
from support.servers import kafka, nats, rabbitmq
from support.servers.postgres import Postgres, free_port
from test_ledger_integration import request, stop_service, wait_ready

pytestmark = [pytest.mark.go, pytest.mark.integration]

SOURCE = "/payments-service"
CLIENTS = 6
INSTRUCTIONS = 120
LOAD_SECONDS = 24


def rabbitmq_probe(server: Any) -> Probe:
    from support.brokers.rabbitmq import RabbitMQProbe

    return RabbitMQProbe(server)


def kafka_probe(server: Any) -> Probe:
    from support.brokers.kafka import KafkaProbe

    return KafkaProbe(server)


def nats_probe(server: Any) -> Probe:
    from support.brokers.nats import NATSProbe

    return NATSProbe(server)


BROKERS: dict[str, tuple[Callable[[], AbstractContextManager[Any]], Callable[[Any], Probe]]] = {
    "rabbitmq": (rabbitmq.throwaway_server, rabbitmq_probe),
    "kafka": (kafka.throwaway_server, kafka_probe),
    "nats": (nats.throwaway_server, nats_probe),
}


@pytest.fixture(scope="module", params=sorted(BROKERS))
def broker(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def ledger(broker: str, tmp_path_factory: pytest.TempPathFactory, require_go: str) -> Path:
    service = render_service(tmp_path_factory.mktemp(f"outage-{broker}") / "ledger-service",
                             {"project_name": "ledger-service", "preset": "ledger", "database": "postgres",
                              "brokers": [broker]})
    run(["go", "build", "-o", "bin/ledger-service", "./cmd/ledger-service"], service)
    return service


class Service:
    """The ledger service as a process that can be killed and started again."""

    def __init__(self, binary: Path, env: dict[str, str], log: Path) -> None:
        self.binary, self.env, self.log = binary, env, log
        self.base = f"http://{env['HTTP_ADDR']}"
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        with self.log.open("a") as out:
            self.process = subprocess.Popen([str(self.binary)], env=self.env, stdout=out,
                                            stderr=subprocess.STDOUT, text=True)
        wait_ready(self.base, self.process, self.log, timeout=60)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()


def post_until_committed(base: str, key: str, body: dict[str, Any], deadline: float) -> dict[str, Any]:
    """POST a transfer, retrying with the same key through outages until it is answered 201."""
    while True:
        try:
            status, answer, _ = request(base, "POST", "/v1/transactions", body, {"Idempotency-Key": key})
            if status == 201:
                return dict(answer)
            assert status >= 500, f"{status} {answer}"
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"transfer {key} never committed")
        time.sleep(0.1)


def test_no_event_lost_and_no_instruction_applied_twice(broker: str, ledger: Path, postgres: Postgres,
                                                        tmp_path: Path) -> None:
    started = time.monotonic()
    throwaway, make_probe = BROKERS[broker]
    database = f"outage_{uuid.uuid4().hex[:8]}"
    with throwaway() as server:
        probe = make_probe(server)
        env = go_env(DATABASE_URL=postgres.create_database(database), DB_MIGRATE_ON_START="true",
                     HTTP_ADDR=f"127.0.0.1:{free_port()}", LOG_LEVEL="warn", OTEL_SDK_DISABLED="true",
                     OUTBOX_POLL_INTERVAL="100ms", CONSUMER_RETRY_BACKOFF="50ms", CONSUMER_MAX_ATTEMPTS="10",
                     **probe.service_env())
        replicas = [Service(ledger / "bin" / "ledger-service", {**env, "HTTP_ADDR": f"127.0.0.1:{free_port()}"},
                            tmp_path / f"replica-{n}.log") for n in range(2)]
        for replica in replicas:
            replica.start()
        try:
            cash, revenue = (request(replicas[0].base, "POST", "/v1/accounts",
                                     {"code": code, "currency": "USD", "type": kind})[1]["id"]
                             for code, kind in (("cash", "asset"), ("revenue", "revenue")))
            committed = load(replicas, probe, cash, revenue)
            def count(sql: str) -> int:
                return int(postgres.psql(sql, database))

            backlog = wait_for(lambda: count("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0,
                               "the outbox emptied")
            applied = wait_for(lambda: count("SELECT count(*) FROM transactions "
                                             f"WHERE idempotency_key LIKE '{SOURCE} %'") == INSTRUCTIONS,
                               "every instruction applied")
            events = probe.events()
        finally:
            codes = [stop_service(r.process) if r.process and r.process.poll() is None else 0 for r in replicas]
            probe.close()
    for replica, code in zip(replicas, codes, strict=True):
        assert code == 0, replica.log.read_text()[-4000:]

    stored = set(postgres.psql("SELECT id FROM transactions", database).split())
    posted = Counter(e.subject for e in events if e.type == "ledger.transaction.posted.v1")
    assert committed <= stored, "a transfer answered 201 is not in the database"
    lost = stored - set(posted)
    assert not lost, f"{len(lost)} committed transactions have no published event"
    per_key = postgres.psql(
        f"SELECT idempotency_key, count(*) FROM transactions WHERE idempotency_key LIKE '{SOURCE} %' "
        "GROUP BY idempotency_key HAVING count(*) > 1", database)
    assert per_key == "", f"instructions applied twice:\n{per_key}"
    marks = int(postgres.psql(f"SELECT count(*) FROM processed_messages WHERE consumer = '{broker}'", database))
    assert marks == INSTRUCTIONS
    accounts = {e.subject for e in events if e.type == "ledger.account.created.v1"}
    assert {cash, revenue} <= accounts
    twice = sum(posted.values()) - len(posted)
    print(f"{broker}: 2 replicas, {len(stored)} transactions ({len(committed)} over HTTP, "
          f"{INSTRUCTIONS} instructions sent twice each), {len(events)} events received, {twice} published twice; "
          f"outbox emptied in {backlog:.1f}s, instructions applied in {applied:.1f}s after the load; "
          f"{time.monotonic() - started:.1f}s in all")


def load(replicas: list[Service], probe: Probe, cash: str, revenue: str) -> set[str]:
    """Post transfers to every replica and send instructions, through two broker outages and a
    killed replica; return the ids of the transfers answered 201."""
    stop = threading.Event()
    committed: set[str] = set()
    errors: list[BaseException] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        i = 0
        while not stop.is_set():
            body = {"postings": [{"account_id": cash, "direction": "debit", "amount": 100 + n},
                                 {"account_id": revenue, "direction": "credit", "amount": 100 + n}]}
            base = replicas[n % len(replicas)].base
            answer = post_until_committed(base, f"client-{n}-{i}", body, time.monotonic() + 90)
            with lock:
                committed.add(answer["id"])
            i += 1

    def instructions() -> None:
        for i in range(INSTRUCTIONS):
            data = json.dumps({"description": f"instruction {i}", "postings": [
                {"account_id": cash, "direction": "debit", "amount": 1},
                {"account_id": revenue, "direction": "credit", "amount": 1}]}).encode()
            message = Message(id=f"instruction-{i}", source=SOURCE, type="ledger.transfer.requested.v1",
                              subject=cash, data=data)
            probe.send(message)
            probe.send(message)  # delivered twice: applied once
            time.sleep(LOAD_SECONDS / INSTRUCTIONS / 2)

    def guarded(fn: Callable[..., None], *args: Any) -> Callable[[], None]:
        def run() -> None:
            try:
                fn(*args)
            except BaseException as exc:
                errors.append(exc)
        return run

    threads = [threading.Thread(target=guarded(client, n)) for n in range(CLIENTS)]
    threads.append(threading.Thread(target=guarded(instructions)))
    for t in threads:
        t.start()
    try:
        time.sleep(LOAD_SECONDS * 0.2)
        probe.outage()
        time.sleep(LOAD_SECONDS * 0.2)
        replicas[0].kill()
        replicas[0].start()
        time.sleep(LOAD_SECONDS * 0.2)
        probe.outage()
        time.sleep(LOAD_SECONDS * 0.2)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=180)
    assert not errors, errors
    return committed


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 120) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"{what}: not within {timeout:.0f}s")
        time.sleep(0.2)
    return time.monotonic() - started
