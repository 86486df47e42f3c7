"""The ledger preset against each real store it supports (PostgreSQL, MariaDB): an end-to-end run
of the built service (migrate, serve, post, replay, concurrent posts to one hot account, read
balances, SIGTERM). The generated integration tests run in test_integration.py, for every
combination."""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest

from support.gotool import go_env, run
from support.render import render_service
from support.servers.postgres import free_port

pytestmark = [pytest.mark.go, pytest.mark.integration]


STORES = ("postgres", "mysql")


@pytest.fixture(scope="module", params=STORES)
def store(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def ledger(store: str, tmp_path_factory: pytest.TempPathFactory, require_go: str) -> Path:
    service = render_service(tmp_path_factory.mktemp(f"ledger-{store}") / "ledger-service",
                             {"project_name": "ledger-service", "preset": "ledger", "database": store})
    run(["go", "build", "-o", "bin/ledger-service", "./cmd/ledger-service"], service)
    return service


def request(base: str, method: str, path: str, body: Any = None,
            headers: dict[str, str] | None = None) -> tuple[int, Any, dict[str, str]]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    for key, value in (headers or {}).items():
        req.add_header(key, value)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            raw = resp.read()
            return resp.status, json.loads(raw) if raw else None, dict(resp.headers)
    except urllib.error.HTTPError as err:
        raw = err.read()
        return err.code, json.loads(raw) if raw else None, dict(err.headers)


def wait_ready(base: str, process: subprocess.Popen[str], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"service exited early:\n{process.stdout.read() if process.stdout else ''}")
        try:
            status, _, _ = request(base, "GET", "/health/ready")
            if status == 200:
                return
        except (TimeoutError, urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.1)
    raise AssertionError("service never became ready")


def test_end_to_end(ledger: Path, store: str, servers: Any) -> None:
    binary = str(ledger / "bin" / "ledger-service")
    env = go_env(**servers(store).env())
    migrate = subprocess.run([binary, "migrate", "up"], env=env, capture_output=True, text=True,
                             timeout=60, check=False)
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    port = free_port()
    env["HTTP_ADDR"] = f"127.0.0.1:{port}"
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen([binary], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    try:
        wait_ready(base, process)
        exercise_ledger(base)
        exercise_hot_account(base, refusals_allowed=store != "mysql")
        status, _spec, _ = request(base, "GET", "/health/live")
        assert status == 200
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            raise AssertionError("service did not stop within 20s of SIGTERM") from None
        output = process.stdout.read() if process.stdout else ""
    assert code == 0, f"unclean exit {code}:\n{output}"


def exercise_ledger(base: str) -> None:
    accounts = {}
    for code, kind in (("cash", "asset"), ("revenue", "revenue"), ("payable", "liability")):
        status, body, _ = request(base, "POST", "/v1/accounts",
                                  {"code": code, "currency": "USD", "type": kind})
        assert status == 201, body
        assert body["status"] == "active"
        accounts[code] = body["id"]
    status, body, _ = request(base, "POST", "/v1/accounts",
                              {"code": "eur-cash", "currency": "EUR", "type": "asset"})
    assert status == 201
    eur = body["id"]

    sale = {"description": "sale", "postings": [
        {"account_id": accounts["cash"], "direction": "debit", "amount": 12_500},
        {"account_id": accounts["revenue"], "direction": "credit", "amount": 12_500}]}
    key = str(uuid.uuid4())
    status, first, _ = request(base, "POST", "/v1/transactions", sale, {"Idempotency-Key": key})
    assert status == 201, first
    status, replay, _ = request(base, "POST", "/v1/transactions", sale, {"Idempotency-Key": key})
    assert status in (200, 201), replay
    assert replay["id"] == first["id"]
    different = {**sale, "description": "another sale"}
    status, conflict, headers = request(base, "POST", "/v1/transactions", different,
                                        {"Idempotency-Key": key})
    assert status in (409, 422), conflict
    assert headers.get("Content-Type", "").startswith("application/problem+json")

    bill = {"description": "bill", "postings": [
        {"account_id": accounts["cash"], "direction": "credit", "amount": 2_000},
        {"account_id": accounts["payable"], "direction": "debit", "amount": 2_000}]}
    status, body, _ = request(base, "POST", "/v1/transactions", bill,
                              {"Idempotency-Key": str(uuid.uuid4())})
    assert status == 201, body

    unbalanced = {"description": "broken", "postings": [
        {"account_id": accounts["cash"], "direction": "debit", "amount": 100},
        {"account_id": accounts["revenue"], "direction": "credit", "amount": 99}]}
    status, problem, headers = request(base, "POST", "/v1/transactions", unbalanced,
                                       {"Idempotency-Key": str(uuid.uuid4())})
    assert status == 422, problem
    assert headers.get("Content-Type", "").startswith("application/problem+json")
    assert problem["status"] == 422 and problem["code"]

    mixed = {"description": "fx", "postings": [
        {"account_id": accounts["cash"], "direction": "debit", "amount": 100},
        {"account_id": eur, "direction": "credit", "amount": 100}]}
    status, problem, _ = request(base, "POST", "/v1/transactions", mixed,
                                 {"Idempotency-Key": str(uuid.uuid4())})
    assert status == 422, problem

    expected = {
        "cash": (12_500, 2_000, 10_500),
        "revenue": (0, 12_500, 12_500),
        "payable": (2_000, 0, -2_000),
    }
    for code, (debits, credits, balance) in expected.items():
        status, body, _ = request(base, "GET", f"/v1/accounts/{accounts[code]}/balance")
        assert status == 200, body
        assert body == {"account_id": accounts[code], "currency": "USD", "debits": debits,
                        "credits": credits, "balance": balance} | {
                            k: v for k, v in body.items()
                            if k not in {"account_id", "currency", "debits", "credits", "balance"}}

    status, page, _ = request(base, "GET", f"/v1/transactions?account_id={accounts['cash']}&limit=1")
    assert status == 200, page
    assert len(page["items"]) == 1
    assert page.get("next_cursor")
    status, page2, _ = request(base, "GET",
                               f"/v1/transactions?account_id={accounts['cash']}&limit=1&cursor={page['next_cursor']}")
    assert status == 200
    assert {page["items"][0]["id"], page2["items"][0]["id"]} == {first["id"], body_id(base, bill)}
    status, spec, _ = request(base, "GET", f"/v1/transactions/{first['id']}")
    assert status == 200 and spec["id"] == first["id"]


def body_id(base: str, bill: dict[str, Any]) -> str:
    """The bill's id, found through the listing (it is the other cash transaction)."""
    status, page, _ = request(base, "GET", "/v1/transactions?limit=10")
    assert status == 200
    (match,) = [t for t in page["items"] if t["description"] == bill["description"]]
    return str(match["id"])


def exercise_hot_account(base: str, refusals_allowed: bool, workers: int = 16, posts: int = 8) -> None:
    """Concurrent transfers that all credit one account. A 409 concurrent_update is retried
    with the same key, as a client would; the MySQL store serialises the writers on the row
    lock and must refuse none. The books must balance exactly either way."""
    hot = new_account(base, "hot", "liability")
    sources = [new_account(base, f"hot-source-{w}", "asset") for w in range(workers)]
    refusals: list[int] = []
    failures: list[str] = []

    def worker(w: int) -> None:
        for i in range(posts):
            transfer = {"description": f"hot {w}-{i}", "postings": [
                {"account_id": sources[w], "direction": "debit", "amount": 3},
                {"account_id": hot, "direction": "credit", "amount": 3}]}
            key = str(uuid.uuid4())
            for _attempt in range(20):
                status, body, _ = request(base, "POST", "/v1/transactions", transfer,
                                          {"Idempotency-Key": key})
                if status != 409:
                    break
                refusals.append(status)
            if status not in (200, 201):
                failures.append(f"{w}-{i}: {status} {body}")

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures
    if not refusals_allowed:
        assert not refusals, f"{len(refusals)} valid transfers refused with 409"
    debits = credits = 0
    for account, want in [(hot, (0, workers * posts * 3))] + [(s, (posts * 3, 0)) for s in sources]:
        status, body, _ = request(base, "GET", f"/v1/accounts/{account}/balance")
        assert status == 200, body
        assert (body["debits"], body["credits"]) == want
        debits += body["debits"]
        credits += body["credits"]
    assert debits == credits


def new_account(base: str, code: str, kind: str) -> str:
    status, body, _ = request(base, "POST", "/v1/accounts", {"code": code, "currency": "USD", "type": kind})
    assert status == 201, body
    return str(body["id"])
