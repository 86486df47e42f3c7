"""Running the Go toolchain on rendered services, with the module and build caches shared."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def go_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["GOTOOLCHAIN"] = "local"
    # -trimpath keeps the build directory out of the build cache's keys: the services each test
    # renders into a directory of its own then share the compiled packages of their combination
    # (go_verify, lint and integration build the same code), instead of compiling them again.
    flags = env.get("GOFLAGS", "-buildvcs=false").split()
    env["GOFLAGS"] = " ".join(flags + [f for f in ("-buildvcs=false", "-trimpath") if f not in flags])
    env.update(extra)
    return env


def run(cmd: list[str], cwd: Path, timeout: float = 900, **env: str) -> str:
    """Run a command; fail the test with its output when it fails."""
    proc = subprocess.run(cmd, cwd=cwd, env=go_env(**env), capture_output=True, text=True,
                          timeout=timeout, check=False)
    if proc.returncode != 0:
        raise AssertionError(
            f"`{' '.join(cmd)}` failed in {cwd} (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
        )
    return proc.stdout + proc.stderr
