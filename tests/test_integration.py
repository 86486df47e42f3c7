"""The generated integration tests (build tag `integration`) of every combination in the covering
set whose components talk to a server, against real throwaway servers (tests/support/servers).
GOGEN_FULL_MATRIX=1 runs them for every combination."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from gogen import answers as answering
from gogen import matrix
from support.gotool import run
from support.render import render_service
from support.servers import needed

pytestmark = [pytest.mark.go, pytest.mark.integration]


def components(combo: dict[str, Any]) -> list[str]:
    return answering.components(answering.resolve({"project_name": "svc", **combo}))


ALL = matrix.all_combinations() if os.environ.get("GOGEN_FULL_MATRIX") else matrix.covering_set()
COMBOS = [c for c in ALL if needed(components(c))]


@pytest.mark.parametrize("combo", COMBOS, ids=lambda c: "-".join(components(c)[1:]))
def test_generated_integration_tests_pass(combo: dict[str, Any], servers: Any, tmp_path: Path,
                                          require_go: str) -> None:
    started = time.monotonic()
    # Named as in test_go_verify.py and test_lint.py, so that the three share compiled packages.
    service = render_service(tmp_path / "svc", {"project_name": "ledger-service", **combo})
    env = servers.env(components(combo))
    out = run(["go", "test", "-tags", "integration", "-count=1", "-v", "./..."], service, **env)
    assert "--- PASS" in out
    assert "--- SKIP" not in out, "an integration test skipped itself"
    print(f"{'-'.join(components(combo)[1:])}: integration tests passed in {time.monotonic() - started:.1f}s")


def test_every_server_component_is_covered() -> None:
    """Each component with a server runs its integration tests in some combination."""
    covered = {c for combo in COMBOS for c in needed(components(combo))}
    every = {c for combo in matrix.all_combinations() for c in needed(components(combo))}
    assert covered == every
