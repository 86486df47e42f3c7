"""A store stopped under a running service: every request that needs it answers 503
service_unavailable with Retry-After, never 500, and readiness turns 503 without naming the
server. Each case runs the built binary against its own throwaway server, which it stops."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

from support.gotool import go_env, run
from support.render import render_service
from support.servers import mongo, mysql, postgres
from support.servers.postgres import free_port
from test_ledger_integration import request, wait_ready

pytestmark = [pytest.mark.go, pytest.mark.integration]

Start = Callable[[], AbstractContextManager[Any]]
# The store, its throwaway server, and the signal that stops it with clients connected
# (SIGTERM is PostgreSQL's "smart" shutdown, which waits for them; SIGINT is its fast one).
CASES: dict[str, tuple[str, Start, signal.Signals]] = {
    "ledger-postgres": ("postgres", postgres.throwaway_cluster, signal.SIGINT),
    "ledger-mysql": ("mysql", mysql.throwaway_server, signal.SIGTERM),
    "minimal-mongo": ("mongo", mongo.throwaway_server, signal.SIGTERM),
}


def ledger_requests(base: str) -> list[tuple[str, str, Any, dict[str, str]]]:
    ids = []
    for code, kind in (("cash", "asset"), ("sales", "revenue")):
        status, body, _ = request(base, "POST", "/v1/accounts", {"code": code, "currency": "USD", "type": kind})
        assert status == 201, body
        ids.append(body["id"])
    transfer = {"postings": [{"account_id": ids[0], "direction": "debit", "amount": 100},
                             {"account_id": ids[1], "direction": "credit", "amount": 100}]}
    status, posted, _ = request(base, "POST", "/v1/transactions", transfer, {"Idempotency-Key": "before"})
    assert status == 201, posted
    hold = {**transfer, "pending": {"timeout_seconds": 3600}}
    status, held, _ = request(base, "POST", "/v1/transactions", hold, {"Idempotency-Key": "hold-before"})
    assert status == 201, held
    status, euro, _ = request(base, "POST", "/v1/accounts", {"code": "euro", "currency": "EUR", "type": "asset"})
    assert status == 201, euro
    fact = {"base": "EUR", "quote": "USD", "rate": "1.0842", "effective_at": "2026-01-01T00:00:00Z", "source": "ecb"}
    status, rate, _ = request(base, "POST", "/v1/fx/rates", fact)
    assert status == 201, rate
    conversion = {"source_account_id": euro["id"], "destination_account_id": ids[0], "amount": 1000}
    status, converted, _ = request(base, "POST", "/v1/conversions", conversion, {"Idempotency-Key": "fx-before"})
    assert status == 201, converted
    statement = b"date,amount,currency,reference,description\n2026-01-02,1.00,USD,before,Sale\n"
    csv = {"Content-Type": "text/csv"}
    status, imported, _ = request(base, "POST", f"/v1/accounts/{ids[0]}/statements?statement_id=s-1", statement, csv)
    assert status == 201, imported
    return [
        ("POST", "/v1/transactions", transfer, {"Idempotency-Key": "during"}),
        ("POST", "/v1/transactions", hold, {"Idempotency-Key": "hold-during"}),
        ("POST", f"/v1/transactions/{held['id']}/post", None, {}),
        ("POST", f"/v1/transactions/{held['id']}/void", None, {}),
        ("POST", "/v1/fx/rates", {**fact, "source": "during"}, {}),
        ("GET", f"/v1/fx/rates/{rate['id']}", None, {}),
        ("GET", "/v1/fx/rates?base=EUR&quote=USD", None, {}),
        ("POST", "/v1/conversions", conversion, {"Idempotency-Key": "fx-during"}),
        ("GET", f"/v1/conversions/{converted['id']}", None, {}),
        ("GET", f"/v1/statements/{imported['id']}", None, {}),
        ("GET", f"/v1/statements/{imported['id']}/reconciliation", None, {}),
        ("POST", f"/v1/accounts/{ids[0]}/statements?statement_id=s-2", statement, csv),
        ("POST", "/v1/accounts", {"code": "fees", "currency": "USD", "type": "revenue"}, {}),
        ("GET", f"/v1/accounts/{ids[0]}", None, {}),
        ("GET", f"/v1/accounts/{ids[0]}/balance", None, {}),
        ("GET", f"/v1/transactions/{posted['id']}", None, {}),
        ("GET", "/v1/transactions", None, {}),
        ("POST", f"/v1/transactions/{posted['id']}/reversal", None, {"Idempotency-Key": "undo"}),
    ]


def minimal_requests(base: str) -> list[tuple[str, str, Any, dict[str, str]]]:
    status, body, _ = request(base, "POST", "/v1/customers", {"name": "Ana", "email": "ana@example.com"})
    assert status == 201, body
    return [
        ("POST", "/v1/customers", {"name": "Bo", "email": "bo@example.com"}, {}),
        ("GET", f"/v1/customers/{body['id']}", None, {}),
    ]


@pytest.mark.parametrize("case", list(CASES))
def test_a_stopped_store_answers_503_with_retry_after(case: str, tmp_path: Path, require_go: str) -> None:
    preset, _ = case.split("-")
    store, start, stop = CASES[case]
    service = render_service(tmp_path / "svc", {"project_name": "svc", "preset": preset, "database": store})
    run(["go", "build", "-o", "bin/svc", "./cmd/svc"], service)
    with start() as server:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = go_env(**server.env(), HTTP_ADDR=f"127.0.0.1:{port}", DB_MIGRATE_ON_START="true",
                     MONGODB_SERVER_SELECTION_TIMEOUT="1s", MONGODB_CONNECT_TIMEOUT="1s",
                     DB_CONNECT_TIMEOUT="1s", OTEL_SDK_DISABLED="true")
        log = (tmp_path / "service.log").open("w")
        process = subprocess.Popen([str(service / "bin" / "svc")], env=env, stdout=log, stderr=subprocess.STDOUT,
                                   text=True)
        try:
            wait_ready(base, process)
            pending = ledger_requests(base) if preset == "ledger" else minimal_requests(base)

            server.process.send_signal(stop)
            server.process.wait(timeout=30)

            for method, path, body, headers in pending:
                status, problem, response_headers = request(base, method, path, body, headers)
                assert status == 503, f"{method} {path}: {status} {problem}"
                assert problem["code"] == "service_unavailable", problem
                assert response_headers.get("Retry-After") == "1", response_headers
            status, report, _ = request(base, "GET", "/health/ready")
            assert status == 503, report
            assert str(server.port) not in str(report) and "127.0.0.1" not in str(report), report
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
            log.close()
    log_text = (tmp_path / "service.log").read_text()
    assert '"status":503' in log_text, "the access log format changed: update this test"
    assert '"status":500' not in log_text
