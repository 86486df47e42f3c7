"""The benchmark suite works: `make bench-smoke` measures every row once and writes the table.

Its numbers mean nothing (tiny durations, a shared build cache); this proves the suite runs:
gogen new beside copier copy, time to green, and the generated ledger under load beside pgbench
and a bare net/http handler, every row with its baseline.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from support.servers import postgres as pg

pytestmark = [pytest.mark.go, pytest.mark.integration]


def test_bench_smoke_writes_every_row_with_its_baseline(repo_root: Path, require_go: str,
                                                        tmp_path: Path) -> None:
    bindir = pg.pg_bin()
    if bindir is None or not (bindir / "pgbench").exists():
        message = "PostgreSQL and pgbench are needed (scripts/install-servers installs postgresql)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    output = tmp_path / "README.md"
    proc = subprocess.run([sys.executable, str(repo_root / "bench" / "run.py"), "--smoke", "--output", str(output)],
                          cwd=repo_root, capture_output=True, text=True, timeout=1800, check=False)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    table = output.read_text()
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line][1:]
    figures = [line.split(" | ")[1] for line in rows]
    for preset in ("ledger", "minimal"):
        assert f"`gogen new` {preset} (target < 1.0 s)" in figures
        assert any(f.startswith(f"{preset} cold") for f in figures)
        assert f"{preset} warm (same GOCACHE)" in figures
    for expected in ("start-up to ready (exec to /health/ready 200)", "idle RSS", "binary size (make build)",
                     "GET balance, 8 clients", "GET /health/live, 64 clients"):
        assert expected in figures
    for scenario in ("10 accounts", "1 hot account"):
        for clients in (1, 8, 32, 64):
            assert f"POST transfer, {scenario}, {clients} clients" in figures
    for line in rows:
        cells = line.split(" | ")
        assert cells[2].strip() and cells[3].strip(), line
    assert sum("pgbench, same statements" in line for line in rows) == 8
    assert "Machine: " in table and "`make bench-smoke`" in table
