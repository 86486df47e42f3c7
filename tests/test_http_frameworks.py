"""Every HTTP framework as a built binary over real HTTP, on a real PostgreSQL: the ledger with
observability, driven through the headers, problems, limits and metrics a client and an operator
see. The generated conformance suite proves the API in depth for each framework (in
test_go_verify.py); this proves the binary that ships: its server, configuration, store and
graceful stop."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from support.gotool import go_env, run
from support.render import render_service
from support.servers.postgres import Postgres, free_port
from test_ledger_integration import request, stop_service, wait_ready

pytestmark = [pytest.mark.go, pytest.mark.integration]

FRAMEWORKS = ("chi", "stdlib", "gin", "echo", "fiber")
BODY_LIMIT = 4096


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_the_built_service_answers_alike(framework: str, postgres: Postgres, tmp_path: Path,
                                         require_go: str) -> None:
    started = time.monotonic()
    service = render_service(tmp_path / "ledger-service",
                             {"project_name": "ledger-service", "preset": "ledger", "http_framework": framework})
    run(["go", "build", "-o", "bin/ledger-service", "./cmd/ledger-service"], service)
    port = free_port()
    env = go_env(DATABASE_URL=postgres.create_database(f"http_{framework}_{uuid.uuid4().hex[:8]}"),
                 DB_MIGRATE_ON_START="true", LOG_LEVEL="info", OTEL_SDK_DISABLED="true",
                 HTTP_ADDR=f"127.0.0.1:{port}", HTTP_MAX_BODY_BYTES=str(BODY_LIMIT))
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "service.log"
    with log.open("w") as out:
        process = subprocess.Popen([str(service / "bin" / "ledger-service")], env=env, stdout=out,
                                   stderr=subprocess.STDOUT, text=True)
    try:
        wait_ready(base, process, log)
        exercise(base)
    finally:
        code = stop_service(process)
    assert code == 0, f"unclean exit {code}:\n{log.read_text()}"
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    served = [line for line in lines if line.get("msg") == "http request"]
    assert any(line["path"] == "/v1/transactions" and line["status"] == 201 for line in served), served[-5:]
    assert all(line.get("request_id") for line in served), "every access log line has its request id"
    print(f"{framework}: built and exercised in {time.monotonic() - started:.1f}s")


def exercise(base: str) -> None:
    ids = {}
    for code, kind in (("cash", "asset"), ("revenue", "revenue")):
        status, body, headers = request(base, "POST", "/v1/accounts", {"code": code, "currency": "USD", "type": kind})
        assert status == 201, body
        assert headers["Location"] == f"/v1/accounts/{body['id']}"
        ids[code] = body["id"]

    sale = {"postings": [{"account_id": ids["cash"], "direction": "debit", "amount": 2500},
                         {"account_id": ids["revenue"], "direction": "credit", "amount": 2500}]}
    status, first, headers = request(base, "POST", "/v1/transactions", sale,
                                     {"Idempotency-Key": "sale-1", "X-Request-Id": "smoke-1"})
    assert status == 201, first
    assert headers["Location"] == f"/v1/transactions/{first['id']}"
    assert headers["X-Request-Id"] == "smoke-1"
    assert "Idempotent-Replayed" not in headers
    status, replay, headers = request(base, "POST", "/v1/transactions", sale, {"Idempotency-Key": "sale-1"})
    assert status == 201 and replay["id"] == first["id"], replay
    assert headers["Idempotent-Replayed"] == "true"

    status, balance, _ = request(base, "GET", f"/v1/accounts/{ids['cash']}/balance")
    assert status == 200 and balance["balance"] == 2500, balance

    problem(base, "GET", "/v1/nothing/here", None, 404, "route.not_found")
    headers = problem(base, "DELETE", "/v1/transactions", None, 405, "route.method_not_allowed")
    assert {"GET", "POST"} <= {m.strip() for m in headers["Allow"].split(",")}, headers
    problem(base, "POST", "/v1/accounts", {"code": "x" * BODY_LIMIT, "currency": "USD", "type": "asset"},
            413, "request.too_large")
    problem(base, "POST", "/v1/accounts", b"{", 400, "request.malformed_json")
    problem(base, "GET", f"/v1/transactions/{uuid.uuid4()}", None, 404, "not_found")

    with urllib.request.urlopen(base + "/openapi.yaml", timeout=10) as resp:
        assert resp.read().startswith(b"openapi: 3.1")
    with urllib.request.urlopen(base + "/metrics", timeout=10) as resp:
        metrics = resp.read().decode()
    for series in ('http_server_requests_total{method="POST",route="/v1/transactions",status="201"} 2',
                   'http_server_requests_total{method="GET",route="/v1/accounts/{id}/balance",status="200"} 1',
                   'http_server_requests_total{method="GET",route="unmatched",status="404"} 1'):
        assert series in metrics, f"{series} not in /metrics:\n{metrics[:3000]}"


def problem(base: str, method: str, path: str, body: object, status: int, code: str) -> dict[str, str]:
    got, answer, headers = request(base, method, path, body)
    assert got == status, (method, path, answer)
    assert headers["Content-Type"] == "application/problem+json", headers
    assert answer["code"] == code and answer["status"] == status, answer
    assert answer["request_id"] == headers["X-Request-Id"], (answer, headers)
    return headers


def test_the_smoke_test_can_fail() -> None:
    """problem() rejects an answer that is not the expected problem."""
    with pytest.raises(AssertionError):
        with_server_answering(404, {"code": "route.not_found"})


def with_server_answering(status: int, body: dict[str, str]) -> None:
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        problem(f"http://127.0.0.1:{server.server_address[1]}", "GET", "/x", None, 404, "route.not_found")
    except urllib.error.URLError as err:
        raise AssertionError(str(err)) from err
    finally:
        server.shutdown()
