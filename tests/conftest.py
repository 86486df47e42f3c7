"""Shared fixtures: the repository, rendering the working tree's template, the Go environment."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

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


class Servers:
    """Throwaway servers started on first use and stopped when the session ends; a server that is
    not installed fails the test under CI=true (a skip elsewhere), never silently passes."""

    def __init__(self, stack: ExitStack) -> None:
        self.stack = stack
        self.running: dict[str, Any] = {}

    def __call__(self, component: str) -> Any:
        from support.servers import SERVERS

        if component not in self.running:
            server = SERVERS[component]
            if not server.installed():
                message = (f"the {component} server is not installed "
                           f"(scripts/install-servers installs {' '.join(server.packages)})")
                if os.environ.get("CI") == "true":
                    pytest.fail(message)
                pytest.skip(message)
            self.running[component] = self.stack.enter_context(server.start())
        return self.running[component]

    def env(self, components: list[str]) -> dict[str, str]:
        """The variables a service with these components reads in its integration tests."""
        from support.servers import needed

        env: dict[str, str] = {}
        for component in needed(components):
            env.update(self(component).env())
        return env


@pytest.fixture(scope="session")
def servers() -> Iterator[Servers]:
    with ExitStack() as stack:
        yield Servers(stack)


@pytest.fixture(scope="session")
def postgres(servers: Servers) -> Any:
    """The throwaway PostgreSQL cluster of the session."""
    return servers("postgres")
