"""The ledger's gRPC API end to end: the built binary (ledger, PostgreSQL, gRPC, observability)
against its own throwaway PostgreSQL, driven by a Go client of the generated code
(tests/support/grpcprobe, built inside the rendered service): health and reflection, postings,
replays and error details over a real port; then the store stopped under it, when calls answer
UNAVAILABLE with a retry delay and the health service turns NOT_SERVING; then SIGTERM, from
which it exits cleanly."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from support.gotool import go_env, run
from support.render import ROOT, render_service
from support.servers import postgres
from support.servers.postgres import free_port
from test_ledger_integration import stop_service, wait_ready

pytestmark = [pytest.mark.go, pytest.mark.integration]


def test_a_built_service_serves_grpc_against_postgres(tmp_path: Path, require_go: str) -> None:
    if not postgres.installed():
        pytest.fail("the postgres server is not installed (scripts/install-servers installs it)")
    started = time.monotonic()
    service = render_service(tmp_path / "svc", {"project_name": "svc", "preset": "ledger", "grpc": True})
    probe = service / "cmd" / "grpcprobe"
    probe.mkdir()
    shutil.copy(ROOT / "tests" / "support" / "grpcprobe" / "main.go", probe / "main.go")
    run(["go", "build", "-o", "bin/svc", "./cmd/svc"], service)
    run(["go", "build", "-o", "bin/grpcprobe", "./cmd/grpcprobe"], service)
    built = time.monotonic()

    with postgres.throwaway_cluster() as server:
        http_port, grpc_port = free_port(), free_port()
        base, addr = f"http://127.0.0.1:{http_port}", f"127.0.0.1:{grpc_port}"
        env = go_env(**server.env(), HTTP_ADDR=f"127.0.0.1:{http_port}", GRPC_ADDR=addr,
                     DB_MIGRATE_ON_START="true", DB_CONNECT_TIMEOUT="1s", GRPC_HEALTH_INTERVAL="100ms")
        log = tmp_path / "service.log"
        with log.open("w") as out:
            process = subprocess.Popen([str(service / "bin" / "svc")], env=env, stdout=out,
                                       stderr=subprocess.STDOUT, text=True)
        try:
            wait_ready(base, process, log)
            served = probe_run(service, addr, "serve")
            cash = served.splitlines()[0]
            with urllib.request.urlopen(base + "/metrics", timeout=10) as resp:
                metrics = resp.read().decode()
            assert ('grpc_server_handled_total{grpc_code="OK",grpc_method="PostTransaction",'
                    'grpc_service="ledger.v1.LedgerService"} 2') in metrics

            server.process.send_signal(signal.SIGINT)
            server.process.wait(timeout=30)
            probe_run(service, addr, "outage", cash)
        finally:
            code = stop_service(process)
    text = log.read_text()
    assert code == 0, f"unclean exit {code}:\n{text}"
    assert '"msg":"grpc call"' in text and '"code":"Unavailable"' in text, "the calls are logged"
    assert '"code":"Internal"' not in text, text
    assert '"component":"grpc server"' in text, "the gRPC server is stopped as a lifecycle component"
    print(f"grpc end to end: built in {built - started:.1f}s, ran in {time.monotonic() - built:.1f}s")


def probe_run(service: Path, addr: str, mode: str, *args: str) -> str:
    proc = subprocess.run([str(service / "bin" / "grpcprobe"), "-addr", addr, "-mode", mode, *args],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, f"grpcprobe {mode}: {proc.stdout}{proc.stderr}"
    return proc.stdout
