"""The ledger preset against each real store it supports (PostgreSQL, MariaDB): an end-to-end run
of the built service (migrate, serve, post, replay, read balances, 64 concurrent clients on ten
accounts and on one hot account, SIGTERM). The generated integration tests run in
test_integration.py, for every combination."""

from __future__ import annotations

import json
import signal
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
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
    """One request; a JSON body, or bytes sent as they are (name their Content-Type in headers)."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode() if body is not None else None
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


def wait_ready(base: str, process: subprocess.Popen[str], log: Path | None = None, timeout: float = 30) -> None:
    """Wait for /health/ready; log is the file the service writes to, if not a pipe."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = log.read_text() if log else process.stdout.read() if process.stdout else ""
            raise AssertionError(f"service exited early:\n{output}")
        try:
            status, _, _ = request(base, "GET", "/health/ready")
            if status == 200:
                return
        except (TimeoutError, urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.1)
    raise AssertionError("service never became ready")


def test_end_to_end(ledger: Path, store: str, servers: Any, tmp_path: Path) -> None:
    binary = str(ledger / "bin" / "ledger-service")
    env = go_env(**servers(store).env())
    migrate = subprocess.run([binary, "migrate", "up"], env=env, capture_output=True, text=True,
                             timeout=60, check=False)
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    port = free_port()
    env["HTTP_ADDR"] = f"127.0.0.1:{port}"
    base = f"http://127.0.0.1:{port}"
    # The log goes to a file: a pipe nobody reads fills up under load and blocks the service.
    log = tmp_path / "service.log"
    with log.open("w") as out:
        process = subprocess.Popen([binary], env=env, stdout=out, stderr=subprocess.STDOUT, text=True)
    try:
        wait_ready(base, process, log)
        exercise_ledger(base)
        exercise_contention(base)
        exercise_holds(base)
        status, _spec, _ = request(base, "GET", "/health/live")
        assert status == 200
    finally:
        code = stop_service(process)
    assert code == 0, f"unclean exit {code}:\n{log.read_text()}"


def stop_service(process: subprocess.Popen[str], timeout: float = 20) -> int:
    """SIGTERM the service and return its exit code; fail if it outlives the timeout."""
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        raise AssertionError(f"service did not stop within {timeout:.0f}s of SIGTERM") from None


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


CLIENTS = 64


def exercise_contention(base: str) -> None:
    """64 concurrent clients posting, at the default configuration, to (a) ten accounts in two
    currencies and (b) one hot account every transfer credits: none is refused (no 409
    concurrent_update) and every balance is exact."""
    codes = [f"load-{n}" for n in range(10)]
    ids = []
    for n, code in enumerate(codes):
        status, body, _ = request(base, "POST", "/v1/accounts",
                                  {"code": code, "currency": "USD" if n < 5 else "EUR", "type": "asset"})
        assert status == 201, body
        ids.append(body["id"])

    def ten(client: int, i: int) -> tuple[int, int]:
        group, first = 5 * ((client + i) % 2), (client * 4 + i) % 5
        return group + first, group + (first + 1 + i % 4) % 5

    def hot(client: int, i: int) -> tuple[int, int]:
        return 1 + (client + i) % 4, 0

    for pick in (ten, hot):
        before = [request(base, "GET", f"/v1/accounts/{account}/balance")[1] for account in ids]
        jobs = [(client, i) for client in range(CLIENTS) for i in range(4)]
        transfers = [(pick(client, i), 1 + (client * 4 + i) % 97) for client, i in jobs]

        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            answers = list(pool.map(lambda transfer: post_transfer(base, ids, transfer), transfers))
        refused = [answer for answer in answers if answer[0] != 201]
        assert not refused, (pick.__name__, len(refused), refused[:3])

        debits, credits = [0] * len(ids), [0] * len(ids)
        for (source, target), amount in transfers:
            debits[source] += amount
            credits[target] += amount
        totals: dict[str, list[int]] = {}
        for n, account in enumerate(ids):
            status, after, _ = request(base, "GET", f"/v1/accounts/{account}/balance")
            assert status == 200, after
            assert after["debits"] - before[n]["debits"] == debits[n], (pick.__name__, codes[n])
            assert after["credits"] - before[n]["credits"] == credits[n], (pick.__name__, codes[n])
            total = totals.setdefault(after["currency"], [0, 0])
            total[0] += after["debits"]
            total[1] += after["credits"]
        for currency, (all_debits, all_credits) in totals.items():
            assert all_debits == all_credits, currency


def exercise_holds(base: str) -> None:
    """64 clients place holds of 100 at once on a wallet that may not be overdrawn, funded with
    1,000: exactly ten are accepted and the rest refused with 422 insufficient_funds; then each
    accepted hold gets a capture and a void at once, and exactly one of the two wins."""
    ids = {}
    for code, kind, overdraft in (("holds-cash", "asset", True), ("holds-wallet", "liability", False),
                                  ("holds-merchant", "liability", True)):
        status, body, _ = request(base, "POST", "/v1/accounts",
                                  {"code": code, "currency": "USD", "type": kind, "allow_overdraft": overdraft})
        assert status == 201, body
        ids[code] = body["id"]

    def move(source: str, target: str, amount: int, pending: bool) -> tuple[int, Any]:
        body: dict[str, Any] = {"postings": [
            {"account_id": ids[source], "direction": "debit", "amount": amount},
            {"account_id": ids[target], "direction": "credit", "amount": amount}]}
        if pending:
            body["pending"] = {"timeout_seconds": 3600}
        status, answer, _ = request(base, "POST", "/v1/transactions", body, {"Idempotency-Key": str(uuid.uuid4())})
        return status, answer

    assert move("holds-cash", "holds-wallet", 1000, pending=False)[0] == 201
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        answers = list(pool.map(lambda _: move("holds-wallet", "holds-merchant", 100, pending=True), range(CLIENTS)))
    held = [body["id"] for status, body in answers if status == 201]
    refused = [body.get("code") for status, body in answers if status != 201]
    assert len(held) == 10 and refused == ["insufficient_funds"] * (CLIENTS - 10), (len(held), set(refused))
    status, wallet, _ = request(base, "GET", f"/v1/accounts/{ids['holds-wallet']}/balance")
    assert status == 200 and (wallet["pending_debits"], wallet["available_balance"]) == (1000, 0), wallet

    resolutions = [(hold, action) for hold in held for action in ("post", "void")]
    with ThreadPoolExecutor(max_workers=len(resolutions)) as pool:
        results = list(pool.map(lambda r: request(base, "POST", f"/v1/transactions/{r[0]}/{r[1]}"), resolutions))
    won = [action for (_hold, action), (status, _body, headers) in zip(resolutions, results, strict=True)
           if status == 200 and headers.get("Idempotent-Replayed") != "true"]
    lost = [body.get("code") for status, body, _ in results if status != 200]
    assert len(won) == 10 and lost == ["transaction_not_pending"] * 10, (won, lost)
    status, wallet, _ = request(base, "GET", f"/v1/accounts/{ids['holds-wallet']}/balance")
    spent = 100 * won.count("post")
    assert status == 200, wallet
    assert (wallet["debits"], wallet["pending_debits"], wallet["available_balance"]) == (spent, 0, 1000 - spent), wallet


def post_transfer(base: str, ids: list[str], transfer: tuple[tuple[int, int], int]) -> tuple[int, Any]:
    (source, target), amount = transfer
    status, body, _ = request(base, "POST", "/v1/transactions", {
        "description": "contention", "postings": [
            {"account_id": ids[source], "direction": "debit", "amount": amount},
            {"account_id": ids[target], "direction": "credit", "amount": amount}]},
        {"Idempotency-Key": str(uuid.uuid4())})
    return status, body
