"""Building gogen wheels from clones of this repository, and installing them in a fresh venv."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

from support.render import ROOT


def sh(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None,
       check: bool = True, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
                          check=False)
    if check and proc.returncode != 0:
        raise AssertionError(f"`{' '.join(cmd)}` exit {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return proc


def clone(dst: Path) -> Path:
    """A full clone of this repository's committed history."""
    sh(["git", "clone", "--quiet", "--no-local", str(ROOT), str(dst)])
    for key, value in (("user.name", "gogen tests"), ("user.email", "tests@gogen.invalid")):
        sh(["git", "config", key, value], cwd=dst)
    return dst


def set_version(repo: Path, version: str) -> None:
    pyproject = repo / "pyproject.toml"
    text = re.sub(r'^version = ".*"$', f'version = "{version}"', pyproject.read_text(), count=1,
                  flags=re.MULTILINE)
    pyproject.write_text(text)


def commit(repo: Path, message: str) -> None:
    sh(["git", "add", "--all"], cwd=repo)
    sh(["git", "commit", "--quiet", "-m", message], cwd=repo)


def build_wheel(repo: Path, dist: Path) -> Path:
    """Build a wheel the way a release is built (no isolation: the test venv has hatchling)."""
    before = set(dist.glob("*.whl")) if dist.exists() else set()
    sh([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(repo)])
    (wheel,) = set(dist.glob("*.whl")) - before
    return wheel


def make_venv(path: Path) -> Path:
    """A fresh virtual environment; returns its bin directory."""
    venv.EnvBuilder(with_pip=True, clear=True).create(path)
    return path / "bin"


def pip_install(bindir: Path, wheel: Path, deps: bool = True) -> None:
    args = [str(bindir / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if not deps:
        args += ["--no-deps", "--force-reinstall"]
    sh([*args, str(wheel)])


def offline(cmd: list[str]) -> list[str]:
    """`cmd` with no network at all (a new network namespace), where this machine allows it."""
    if shutil.which("unshare") and sh(["unshare", "-n", "true"], check=False).returncode == 0:
        return ["unshare", "-n", *cmd]
    if os.environ.get("CI") == "true":
        raise AssertionError("unshare -n is needed to prove offline use under CI=true")
    return cmd


def env_without_network_hints(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_CONFIG", "GOGEN_"))}
    env["GOTOOLCHAIN"] = "local"
    env["GOFLAGS"] = "-buildvcs=false"
    env.update(extra)
    return env
