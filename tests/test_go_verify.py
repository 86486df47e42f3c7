"""Every implemented option combination renders a service that passes gofmt, vet, build, test.

The default run covers a pairwise covering set of the implemented answers; GOGEN_FULL_MATRIX=1
runs every combination.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any

import pytest

from gogen import answers as answering
from gogen import matrix
from support.gotool import run
from support.render import render_service

pytestmark = pytest.mark.go

COMBOS = matrix.all_combinations() if os.environ.get("GOGEN_FULL_MATRIX") else matrix.covering_set()


def combo_id(combo: dict[str, Any]) -> str:
    return "-".join(answering.components(answering.resolve({"project_name": "x", **combo}))[1:])


@pytest.mark.parametrize("combo", COMBOS, ids=combo_id)
def test_combination_builds_and_passes(combo: dict[str, Any], tmp_path: Path, require_go: str) -> None:
    started = time.monotonic()
    service = render_service(tmp_path / "svc", {"project_name": "ledger-service", **combo})
    assert_no_template_residue(service)
    unformatted = run(["gofmt", "-l", "."], service).strip()
    assert unformatted == "", f"gofmt would change: {unformatted}"
    run(["go", "vet", "./..."], service)
    run(["go", "build", "./..."], service)
    run(["go", "test", "-count=1", "./..."], service)
    # Tests behind the contract tag (the OpenAPI contract of the HTTP handlers) are left out of a
    # plain `go test ./...` because of what they cost to build; `make test` and CI run them.
    contract = tagged_packages(service, "contract")
    if contract:
        run(["go", "vet", "-tags", "contract", *contract], service)
        run(["go", "test", "-count=1", "-tags", "contract", *contract], service)
    run(["go", "mod", "tidy", "-diff"], service)
    run(["go", "mod", "verify"], service)
    print(f"{combo_id(combo)}: verified in {time.monotonic() - started:.1f}s")


def tagged_packages(service: Path, tag: str) -> list[str]:
    """The packages of service with a Go file built only under the build tag."""
    return sorted({f"./{path.parent.relative_to(service)}" for path in service.rglob("*.go")
                   if path.read_text().startswith(f"//go:build {tag}\n")})


def assert_no_template_residue(service: Path) -> None:
    for path in service.rglob("*"):
        if path.is_dir() or ".git" in path.parts:
            continue
        text = path.read_text()
        rel = path.relative_to(service)
        assert text.strip(), f"{rel} is empty"
        assert not re.search(r"\{\{-? [a-z_]|\{%|%\}|\{#", text), f"{rel} has Jinja left in it"
        if path.suffix == ".go":
            assert "\n\n\n" not in text, f"{rel} has a run of blank lines"
            assert "TODO" not in text, f"{rel} has a TODO"


def test_lock_is_current(require_go: str, repo_root: Path) -> None:
    """go.mod.jinja/go.sum.jinja give each combination exactly what go mod tidy would."""
    import sys

    run([sys.executable, "scripts/lock_go_deps.py", "--check"], repo_root)
