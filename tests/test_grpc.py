"""The gRPC component's protobuf API in a rendered service: the generated code the template carries
(api/gen) is exactly what `buf generate` makes from api/proto with the plugins pinned in the
service's tools.mod, so the template can never ship stale generated code; buf lint passes; and the
service's own checks (`make proto-check`, `make proto-breaking`) catch stale code and breaking
changes. buf runs through `go tool`, offline; its first build takes about a minute and a half."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from support.gotool import go_env, run
from support.render import render_service

pytestmark = pytest.mark.go

BUF = ["go", "tool", "-modfile=tools.mod", "buf"]


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def make(target: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["make", target], cwd=cwd, env=go_env(), capture_output=True, text=True,
                          timeout=900, check=False)


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd,
                   check=True, capture_output=True)


@pytest.mark.parametrize("preset", ["ledger", "minimal"])
def test_buf_generate_reproduces_the_rendered_code(preset: str, tmp_path: Path, require_go: str) -> None:
    started = time.monotonic()
    service = render_service(tmp_path / "svc", {"project_name": "svc", "preset": preset, "grpc": True,
                                                 "module_path": "example.com/payments/svc"})
    rendered = tree(service / "api" / "gen")
    assert any(name.endswith("_grpc.pb.go") for name in rendered), sorted(rendered)
    assert not any(b"example.com/payments" in text for text in rendered.values()), \
        "the generated code does not depend on the module path"

    run([*BUF, "lint"], service)
    run([*BUF, "generate"], service)

    generated = tree(service / "api" / "gen")
    assert sorted(generated) == sorted(rendered)
    stale = [name for name in rendered if generated[name] != rendered[name]]
    assert stale == [], f"the template's generated code differs from buf generate: {stale}"
    print(f"{preset}: buf lint and generate in {time.monotonic() - started:.1f}s")


def test_the_service_catches_stale_code_and_breaking_changes(tmp_path: Path, require_go: str) -> None:
    service = render_service(tmp_path / "svc", {"project_name": "svc", "preset": "minimal", "grpc": True})
    git(service, "init", "-q", "-b", "main")
    git(service, "add", "-A")
    git(service, "commit", "-qm", "first")
    proto = service / "api" / "proto" / "customer" / "v1" / "customer.proto"

    for target in ("proto-check", "proto-lint", "proto-breaking"):
        proc = make(target, service)
        assert proc.returncode == 0, f"make {target}:\n{proc.stdout}\n{proc.stderr}"

    text = proto.read_text()
    proto.write_text(text.replace("  string email = 3;\n", "  string email = 3;\n  string phone = 6;\n"))
    git(service, "commit", "-qam", "a field, without regenerating")
    stale = make("proto-check", service)
    assert stale.returncode != 0, stale.stdout
    assert "api/gen is stale" in stale.stdout + stale.stderr

    proto.write_text(text.replace("  // GetCustomer returns a customer.\n"
                                  "  rpc GetCustomer(GetCustomerRequest) returns (GetCustomerResponse);\n", ""))
    broken = make("proto-breaking", service)
    assert broken.returncode != 0, broken.stdout
    assert "GetCustomer" in broken.stdout + broken.stderr
