"""The ledger with each cache, end to end: the built service against a real PostgreSQL and a
real cache server of its own, under a load of postings and balance reads while the cache server
hangs (SIGSTOP) and then comes back (SIGCONT, when it also runs the commands queued meanwhile),
and after it is killed. Every request must succeed and every balance read must include every
posting answered before the read began. The generated integration tests run in
test_integration.py."""

from __future__ import annotations

import re
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

from support.gotool import go_env, run
from support.render import render_service
from support.servers import SERVERS
from support.servers.postgres import Postgres, free_port
from test_ledger_integration import request, stop_service, wait_ready

pytestmark = [pytest.mark.go, pytest.mark.integration]

CACHES = ["redis", "memcached"]
BALANCE_TTL = 0.3


@pytest.fixture(scope="module", params=CACHES)
def service(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
            require_go: str) -> Iterator[tuple[str, Path]]:
    cache = str(request.param)
    directory = render_service(tmp_path_factory.mktemp(cache) / "ledger-service",
                               {"project_name": "ledger-service", "preset": "ledger", "cache": cache})
    run(["go", "build", "-o", "bin/ledger-service", "./cmd/ledger-service"], directory)
    yield cache, directory


def own_server(cache: str) -> AbstractContextManager[Any]:
    """A cache server of the test's own, since the test stops it."""
    component = SERVERS[cache]
    if not component.installed():
        pytest.fail(f"the {cache} server is not installed (scripts/install-servers installs it)")
    return component.start()


class Load:
    """Postings and balance reads from several threads; each read checks that the balance
    includes every posting answered before the read began."""

    def __init__(self, base: str, cash: str, revenue: str) -> None:
        self.base, self.cash, self.revenue = base, cash, revenue
        self.lock = threading.Lock()
        self.answered = 0  # total posted to cash by the postings answered so far
        self.failures: list[str] = []
        self.requests = 0
        self.stop = threading.Event()

    def post(self, amount: int) -> None:
        status, body, _ = request(self.base, "POST", "/v1/transactions", {"postings": [
            {"account_id": self.cash, "direction": "debit", "amount": amount},
            {"account_id": self.revenue, "direction": "credit", "amount": amount}]},
            {"Idempotency-Key": str(uuid.uuid4())})
        with self.lock:
            self.requests += 1
            if status != 201:
                self.failures.append(f"POST answered {status}: {body}")
            else:
                self.answered += amount

    def read(self) -> None:
        with self.lock:
            floor = self.answered
        status, body, _ = request(self.base, "GET", f"/v1/accounts/{self.cash}/balance")
        with self.lock:
            self.requests += 1
            if status != 200:
                self.failures.append(f"GET balance answered {status}: {body}")
            elif body["balance"] < floor:
                self.failures.append(f"stale balance {body['balance']}, a posting answered before made it {floor}")

    def run(self, work: Callable[[], None]) -> None:
        while not self.stop.is_set():
            try:
                work()
            except (TimeoutError, urllib.error.URLError, ConnectionError) as err:
                with self.lock:
                    self.failures.append(f"request failed: {err!r}")

    def during(self, seconds: float) -> None:
        threads = [threading.Thread(target=self.run, args=(lambda: self.post(1),))]
        threads += [threading.Thread(target=self.run, args=(self.read,)) for _ in range(3)]
        for t in threads:
            t.start()
        time.sleep(seconds)
        self.stop.set()
        for t in threads:
            t.join(timeout=30)
        self.stop.clear()


def metric(base: str, name: str, **labels: str) -> float:
    """The sum of the series of the metric name with labels, at GET /metrics."""
    with urllib.request.urlopen(base + "/metrics", timeout=10) as resp:
        text = resp.read().decode()
    total = 0.0
    for line in text.splitlines():
        match = re.match(rf"{name}\{{(.*)\}} (\S+)$", line)
        if match and all(f'{k}="{v}"' in match.group(1) for k, v in labels.items()):
            total += float(match.group(2))
    return total


def test_requests_succeed_and_balances_stay_fresh_through_a_cache_outage(
        service: tuple[str, Path], postgres: Postgres) -> None:
    cache, directory = service
    binary = str(directory / "bin" / "ledger-service")
    with own_server(cache) as server:
        env = go_env(DATABASE_URL=postgres.create_database(f"e2e_{uuid.uuid4().hex[:8]}"),
                     CACHE_BALANCE_TTL=f"{int(BALANCE_TTL * 1000)}ms", CACHE_TIMEOUT="50ms",
                     **server.env())
        migrate = subprocess.run([binary, "migrate", "up"], env=env, capture_output=True, text=True,
                                 timeout=60, check=False)
        assert migrate.returncode == 0, migrate.stdout + migrate.stderr
        port = free_port()
        env["HTTP_ADDR"] = f"127.0.0.1:{port}"
        base = f"http://127.0.0.1:{port}"
        log_path = directory / f"serve-{uuid.uuid4().hex[:8]}.log"  # a file: a pipe would fill up
        log = log_path.open("w")
        process = subprocess.Popen([binary], env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
        try:
            wait_ready(base, process)
            ids = []
            for code, kind in (("cash", "asset"), ("revenue", "revenue")):
                status, body, _ = request(base, "POST", "/v1/accounts",
                                          {"code": code, "currency": "USD", "type": kind})
                assert status == 201, body
                ids.append(body["id"])
            load = Load(base, *ids)

            load.during(2)
            assert metric(base, "cache_lookups_total", cache=cache, kind="balance", result="hit") > 0
            errors_before = metric(base, "cache_errors_total", cache=cache)

            server.process.send_signal(signal.SIGSTOP)  # hung: connections open, nothing answers
            try:
                load.during(3)
            finally:
                server.process.send_signal(signal.SIGCONT)
            assert metric(base, "cache_errors_total", cache=cache) > errors_before, "the outage is counted"
            hits = metric(base, "cache_lookups_total", cache=cache, kind="balance", result="hit")
            load.during(2)
            assert metric(base, "cache_lookups_total", cache=cache, kind="balance", result="hit") > hits, \
                "the cache serves again once the server is back"

            server.process.kill()  # gone: connections refused
            server.process.wait()
            load.during(2)

            assert load.failures == [], load.failures[:10]
            assert load.requests > 50
            print(f"{cache}: {load.requests} requests, {load.answered} postings, none failed or stale")
            status, body, _ = request(base, "GET", f"/v1/accounts/{ids[0]}/balance")
            assert status == 200 and body["balance"] == load.answered
            status, ready, _ = request(base, "GET", "/health/ready")
            assert status == 200, f"a cache outage never makes the service unready: {ready}"
        finally:
            try:
                code = stop_service(process)
            finally:
                log.close()
        assert code == 0, f"unclean exit {code}:\n{log_path.read_text()[-3000:]}"
