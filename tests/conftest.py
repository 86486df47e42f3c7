"""Shared fixtures: the repository, rendering the working tree's template, the Go environment."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.render import ROOT, render_service


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def require_go() -> str:
    go = shutil.which("go")
    if go is None:
        if os.environ.get("CI") == "true":
            pytest.fail("go is not installed: the go tests are required under CI=true")
        pytest.skip("go is not installed")
    return go


@pytest.fixture
def rendered(tmp_path: Path) -> Iterator[object]:
    """Render the working tree's template: rendered(answers) -> service directory."""

    def render(**answers: object) -> Path:
        return render_service(tmp_path / str(answers.get("project_name", "svc")), answers)

    yield render


@pytest.fixture(scope="session")
def postgres() -> Iterator[object]:
    """A throwaway PostgreSQL cluster; required (a failure, never a skip) under CI=true."""
    from support.postgres import pg_bin, throwaway_cluster

    if pg_bin() is None:
        message = "PostgreSQL is not installed (scripts/install-servers installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with throwaway_cluster() as server:
        yield server
