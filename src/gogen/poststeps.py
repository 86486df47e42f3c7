"""Steps after rendering: a git repository with a first commit, and the Go module download."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from gogen.errors import GogenError

FALLBACK_IDENTITY = ("-c", "user.name=gogen", "-c", "user.email=gogen@localhost")


def run(cmd: list[str], cwd: Path, what: str) -> None:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise GogenError(f"{what} failed: {detail[-1] if detail else 'exit ' + str(proc.returncode)}", 1)


def has_identity(cwd: Path) -> bool:
    for key in ("user.name", "user.email"):
        proc = subprocess.run(["git", "config", key], cwd=cwd, capture_output=True, check=False)
        if proc.returncode != 0:
            return False
    return True


def git_init(service: Path, message: str) -> None:
    run(["git", "init", "--quiet", "--initial-branch=main"], service, "git init")
    run(["git", "add", "--all"], service, "git add")
    identity = () if has_identity(service) else FALLBACK_IDENTITY
    run(["git", *identity, "commit", "--quiet", "--no-verify", "-m", message], service, "git commit")


def go_available() -> bool:
    return shutil.which("go") is not None


def go_mod_download(service: Path) -> None:
    run(["go", "mod", "download"], service, "go mod download (use --no-go-download offline)")
