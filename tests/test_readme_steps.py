"""The generated ledger's README, followed as written on a machine with a PostgreSQL: the Run
steps (copy .env, edit it, create the database, migrate, run) and then the README's example
sessions, run in one shell (a sale; a card payment held and captured; a conversion; a bank
statement reconciled), whose answers must be the ones the README shows, in order."""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
from pathlib import Path

import pytest

from support.gotool import go_env
from support.render import render_service
from support.servers.postgres import Postgres, free_port
from test_ledger_integration import wait_ready

pytestmark = [pytest.mark.go, pytest.mark.integration]


def sh_blocks(readme: str, heading: str) -> list[str]:
    """The ```sh blocks of the section under the heading, up to the next heading."""
    match = re.search(re.escape(heading) + r"\n(.*?)(?=\n#{1,3} [A-Z]|\Z)", readme, re.S)
    assert match, f"no section {heading!r}"
    blocks = re.findall(r"```sh\n(.*?)```", match.group(1), re.S)
    assert blocks, f"no sh block under {heading!r}"
    return blocks


def sh_block(readme: str, heading: str) -> str:
    """The first ```sh block after the heading."""
    return sh_blocks(readme, heading)[0]


def shown_answers(script: str) -> list[str]:
    """The answers a README session shows: its comment lines that are a JSON object or one
    lowercase word (a problem code or a status), as regular expressions ("…" is any value)."""
    shown = re.findall(r"(?m)^# (\{.*\}|[a-z_]+)$", script)
    return [re.escape(line).replace("…", '[^"]+') for line in shown]


def bash(line: str, cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", line], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, f"README step failed: {line}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_readme_run_steps_and_example_work_as_written(tmp_path: Path, postgres: Postgres,
                                                      require_go: str) -> None:
    service = render_service(tmp_path / "ledger-service", {"project_name": "ledger-service"})
    readme = (service / "README.md").read_text()
    run_steps = [line for line in sh_block(readme, "## Run").splitlines() if line.strip()]
    assert run_steps[0].startswith("cp .env.example .env") and run_steps[-1].startswith("make run")

    env = go_env()
    port = free_port()
    database = f"readme_{secrets.token_hex(4)}"  # does not exist: the README's steps create it
    bash(run_steps[0], service, env)
    # "then edit": point the service at this machine's PostgreSQL and a free port.
    dotenv = (service / ".env").read_text()
    dotenv = re.sub(r"(?m)^DATABASE_URL=.*$", f"DATABASE_URL={postgres.url(database)}", dotenv)
    dotenv = re.sub(r"(?m)^HTTP_ADDR=.*$", f"HTTP_ADDR=127.0.0.1:{port}", dotenv)
    (service / ".env").write_text(dotenv)
    for step in run_steps[1:-1]:
        bash(step, service, env)

    server = subprocess.Popen(["bash", "-c", run_steps[-1]], cwd=service, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_ready(f"http://127.0.0.1:{port}", server, timeout=300)
        example = "\n".join(sh_blocks(readme, "### Example")).replace("localhost:8080", f"127.0.0.1:{port}")
        out = bash(example, service, env)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)

    assert out.count("HTTP/1.1 201 Created") == 2, out
    assert "Idempotent-Replayed: true" in out, out
    shown = shown_answers(example)
    assert len(shown) >= 7, example
    answers = iter(out.splitlines())
    for pattern in shown:
        assert any(re.fullmatch(pattern, line) for line in answers), f"{pattern!r} not answered in order:\n{out}"
    assert re.fullmatch(shown[-1], out.splitlines()[-1]), out
