"""On a real terminal, `gogen new` asks the questions; the answers reach the service."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import yaml

from gogen.render import copy_template_tree
from support.render import ROOT

UP, DOWN, ENTER = "\x1b[A", "\x1b[B", "\r"


def read_until(fd: int, needle: str, timeout: float = 20) -> str:
    seen = ""
    deadline = time.monotonic() + timeout
    while needle not in seen:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"never saw {needle!r}; screen so far:\n{seen}")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                seen += os.read(fd, 4096).decode(errors="replace")
            except OSError:
                break
    return seen


def test_prompts_on_a_terminal(tmp_path: Path) -> None:
    template = copy_template_tree(ROOT, tmp_path / "template-src")
    main, child = pty.openpty()
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "120", "LINES": "40"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gogen", "new", "pay-svc", "--template", str(template),
         "--no-go-download", "--no-git", "-o", str(tmp_path)],
        stdin=child, stdout=child, stderr=child, env=env, close_fds=True)
    os.close(child)
    try:
        steps = [("Go module path", "\x15example.com/pay/pay-svc" + ENTER),
                 ("One-line description", ENTER),
                 ("What the service starts with", DOWN + ENTER),   # minimal
                 ("HTTP framework", DOWN + ENTER),                 # stdlib
                 ("Store of the preset", UP + ENTER),              # memory (default) -> postgres
                 ("Message brokers", ENTER),                       # none (default)
                 ("Cache for the query side", ENTER),              # none (default)
                 ("Add a gRPC inbound adapter", ENTER),            # no (default)
                 ("Add a GraphQL endpoint", "y"),
                 ("OpenTelemetry tracing", "n")]
        for prompt, keys in steps:
            read_until(main, prompt)
            os.write(main, keys.encode())
        screen = read_until(main, "Next time, without questions:")
        screen += read_until(main, "make test")
    finally:
        proc.wait(timeout=60)
        os.close(main)
    assert proc.returncode == 0, screen
    assert "--module example.com/pay/pay-svc --preset minimal --http stdlib --db postgres --graphql " \
        "--no-observability" in screen
    answers = yaml.safe_load((tmp_path / "pay-svc" / ".copier-answers.yml").read_text())
    assert answers["module_path"] == "example.com/pay/pay-svc"
    assert answers["preset"] == "minimal"
    assert answers["http_framework"] == "stdlib"
    assert answers["observability"] is False
    assert answers["database"] == "postgres"
    assert answers["cache"] == "none"
    assert answers["graphql"] is True
