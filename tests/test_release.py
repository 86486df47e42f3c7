"""Releases, the wheel's bundled template history, offline generation and updates.

These tests build real wheels from clones of this repository, install them into a fresh virtual
environment and run the installed `gogen` (and plain `copier`) with no network at all.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from gogen.render import copy_template_tree
from support.gotool import run as go_run
from support.releases import (
    ROOT,
    build_wheel,
    clone,
    commit,
    env_without_network_hints,
    make_venv,
    offline,
    pip_install,
    set_version,
    sh,
)
from support.render import read_tree

pytestmark = pytest.mark.release

URL = "https://github.com/gogen-dev/gogen.git"
OLD, NEW = "90.0.0", "90.1.0"
CONTRACT = ("project_name", "module_path", "description", "go_version", "preset", "http_framework",
            "database", "brokers", "cache", "grpc", "graphql", "observability", "auth")


@dataclass
class Releases:
    repo: Path
    old_wheel: Path
    new_wheel: Path
    bindir: Path
    renamed: tuple[str, str]


def prefix_key(copier_yml: str) -> str:
    config = yaml.safe_load(copier_yml)
    candidates = [k for k in config if not k.startswith("_") and k not in CONTRACT]
    assert candidates, "copier.yml needs a non-contract answer to rename in this test"
    return str(candidates[0])


def make_new_release(repo: Path) -> tuple[str, str]:
    """Template changes of every kind an update must handle, released as NEW."""
    tpl = repo / "template"
    readme = tpl / "README.md.jinja"
    lines = readme.read_text().splitlines(keepends=True)
    lines[0] = lines[0].rstrip("\n") + " (release " + NEW + ")\n"   # the user edits this line too
    readme.write_text("".join(lines))
    ops = tpl / "docs" / "operations.md"
    ops.write_text(ops.read_text() + "\nRestart with `make run` after changing configuration.\n")
    (tpl / "docs" / "legacy.md").unlink()
    (tpl / "docs" / "runbook.md.jinja").write_text("# {{ project_name }} runbook\n\nPage the owners.\n")
    copier_yml = repo / "copier.yml"
    text = copier_yml.read_text()
    old_key = prefix_key(text)
    new_key = "module_namespace"
    text = re.sub(rf"\b{old_key}\b", new_key, text)  # the key and every Jinja use of it
    text = text.replace("_migrations:\n", "_migrations:\n" + migration(NEW, old_key, new_key), 1) \
        if "_migrations:\n" in text else text.replace(
            "_envops:", "_migrations:\n" + migration(NEW, old_key, new_key) + "_envops:", 1)
    copier_yml.write_text(text)
    return old_key, new_key


def migration(version: str, old: str, new: str) -> str:
    return (f"  - version: v{version}\n"
            "    when: \"{{ _stage == 'before' }}\"\n"
            "    command: [\"{{ _copier_python }}\", \"{{ _copier_conf.src_path }}/migrations/rename_answer.py\","
            f" \"{{{{ _copier_conf.answers_file }}}}\", \"{old}\", \"{new}\"]\n")


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> Releases:
    base = tmp_path_factory.mktemp("releases")
    repo = clone(base / "repo")
    docs = repo / "template" / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "operations.md").write_text("# Operations\n\nRun `make run`.\n")
    (docs / "legacy.md").write_text("# Legacy notes\n")
    set_version(repo, OLD)
    commit(repo, f"Release {OLD}")
    dist = base / "dist"
    old_wheel = build_wheel(repo, dist)
    renamed = make_new_release(repo)
    set_version(repo, NEW)
    commit(repo, f"Release {NEW}")
    new_wheel = build_wheel(repo, dist)
    bindir = make_venv(base / "venv")
    pip_install(bindir, old_wheel)
    return Releases(repo, old_wheel, new_wheel, bindir, renamed)


def gogen(rel: Releases, *args: str, cwd: Path, net: bool = False,
          check: bool = False) -> subprocess.CompletedProcess[str]:
    cmd = [str(rel.bindir / "gogen"), *args]
    return sh(cmd if net else offline(cmd), cwd=cwd, env=env_without_network_hints(), check=check)


def install(rel: Releases, wheel: Path) -> None:
    pip_install(rel.bindir, wheel, deps=False)


def new_service(rel: Releases, where: Path, name: str = "ledger-service") -> Path:
    """Generate with the OLD release (modules downloaded online once, so later steps are offline)."""
    install(rel, rel.old_wheel)
    where.mkdir(parents=True, exist_ok=True)
    proc = gogen(rel, "new", name, "--defaults", "--output", str(where), cwd=where, net=True)
    assert proc.returncode == 0, proc.stderr
    return where / name


def edit_and_commit(service: Path) -> None:
    readme = service / "README.md"
    lines = readme.read_text().splitlines(keepends=True)
    lines[0] = "# Our ledger, owned by team payments\n"
    readme.write_text("".join(lines))
    with (service / ".gitignore").open("a") as f:
        f.write("/local-notes/\n")
    sh(["git", "add", "--all"], cwd=service)
    sh(["git", "-c", "user.name=dev", "-c", "user.email=dev@x", "commit", "-qm", "Local edits"],
       cwd=service)


def old_service_with_edits_and_new_gogen(rel: Releases, where: Path) -> Path:
    """A service generated by OLD with committed local edits, and NEW installed."""
    service = new_service(rel, where)
    edit_and_commit(service)
    install(rel, rel.new_wheel)
    return service


def test_wheel_bundles_every_release_and_generates_offline(releases: Releases, tmp_path: Path) -> None:
    install(releases, releases.old_wheel)
    warm = tmp_path / "warm"
    warm.mkdir()
    assert gogen(releases, "new", "warm-up", "--defaults", "-o", str(warm), cwd=warm,
                 net=True).returncode == 0
    out = tmp_path / "offline"
    out.mkdir()
    proc = gogen(releases, "new", "ledger-service", "--defaults", "-o", str(out), cwd=out)
    assert proc.returncode == 0, proc.stderr
    service = out / "ledger-service"
    answers = yaml.safe_load((service / ".copier-answers.yml").read_text())
    assert answers["_src_path"] == URL
    assert answers["_commit"] == f"v{OLD}"
    assert str(tmp_path) not in (service / ".copier-answers.yml").read_text()
    sh(offline(["go", "build", "./..."]), cwd=service, env=env_without_network_hints())
    tags = sh(["git", "bundle", "list-heads", str(bundle_of(releases))], cwd=tmp_path).stdout
    assert f"refs/tags/v{OLD}" in tags
    for version, _ in released_versions():
        assert f"refs/tags/v{version}" in tags


def bundle_of(rel: Releases) -> Path:
    site = sh([str(rel.bindir / "python"), "-c",
               "import gogen, pathlib; print(pathlib.Path(gogen.__file__).parent)"]).stdout.strip()
    return Path(site) / "_bundle" / "template.bundle"


def released_versions() -> list[tuple[str, str]]:
    sys.path.insert(0, str(ROOT / "scripts"))
    from releases import releases as find

    return find(ROOT)


def test_gogen_update_applies_keeps_and_marks_conflicts(releases: Releases, tmp_path: Path) -> None:
    service = old_service_with_edits_and_new_gogen(releases, tmp_path)
    old_key, new_key = releases.renamed

    dry = gogen(releases, "update", "--dry-run", cwd=service)
    assert dry.returncode == 0, dry.stderr
    assert f"Update v{OLD} -> v{NEW}" in dry.stdout
    assert re.search(r"add\s+docs/runbook.md", dry.stdout)
    assert re.search(r"remove\s+docs/legacy.md", dry.stdout)
    assert re.search(r"change\s+docs/operations.md", dry.stdout)
    assert re.search(r"conflict\s+README.md", dry.stdout)
    assert f"answer   {old_key} -> {new_key} (migrated)" in dry.stdout
    assert sh(["git", "status", "--porcelain"], cwd=service).stdout == ""

    proc = gogen(releases, "update", cwd=service)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "conflict: README.md" in proc.stderr
    assert_updated(service, old_key, new_key)
    resolve(service)
    verify_go(service)


def test_plain_copier_update_offline_with_print_env(releases: Releases, tmp_path: Path) -> None:
    service = old_service_with_edits_and_new_gogen(releases, tmp_path)
    old_key, new_key = releases.renamed
    printed = gogen(releases, "update", "--print-env", cwd=service)
    assert printed.returncode == 0, printed.stderr
    env = env_without_network_hints()
    for line in printed.stdout.splitlines():
        key, _, value = line.removeprefix("export ").partition("=")
        env[key] = value.strip("'")
    copier = str(releases.bindir / "copier")
    proc = sh(offline([copier, "update", "--trust", "--defaults", "--conflict", "inline",
                       "--vcs-ref", f"v{NEW}"]), cwd=service, env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    assert_updated(service, old_key, new_key)
    resolve(service)
    verify_go(service)


def assert_updated(service: Path, old_key: str, new_key: str) -> None:
    readme = (service / "README.md").read_text()
    assert "<<<<<<< before updating" in readme
    assert "# Our ledger, owned by team payments" in readme
    assert f"(release {NEW})" in readme
    assert "/local-notes/" in (service / ".gitignore").read_text()
    assert "Restart with `make run`" in (service / "docs" / "operations.md").read_text()
    assert (service / "docs" / "runbook.md").read_text().startswith("# ledger-service runbook")
    assert not (service / "docs" / "legacy.md").exists()
    answers = yaml.safe_load((service / ".copier-answers.yml").read_text())
    assert answers["_commit"] == f"v{NEW}"
    assert old_key not in answers
    assert answers[new_key] == "github.com/acme"


def resolve(service: Path) -> None:
    """Keep both sides of the README conflict, as an engineer would."""
    readme = service / "README.md"
    kept = [line for line in readme.read_text().splitlines(keepends=True)
            if not line.startswith(("<<<<<<< ", "=======", ">>>>>>> "))]
    readme.write_text("".join(kept))


def verify_go(service: Path) -> None:
    env = {"GOFLAGS": "-buildvcs=false"}
    assert go_run(["gofmt", "-l", "."], service).strip() == ""
    for cmd in (["go", "vet", "./..."], ["go", "build", "./..."], ["go", "test", "./..."]):
        go_run(cmd, service, **env)


def test_update_refuses_a_dirty_tree(releases: Releases, tmp_path: Path) -> None:
    service = new_service(releases, tmp_path)
    install(releases, releases.new_wheel)
    (service / "README.md").write_text("uncommitted\n")
    before = sh(["git", "status", "--porcelain"], cwd=service).stdout
    proc = gogen(releases, "update", cwd=service)
    assert proc.returncode == 2
    assert "uncommitted changes" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert sh(["git", "status", "--porcelain"], cwd=service).stdout == before
    assert (service / "README.md").read_text() == "uncommitted\n"


def test_update_refuses_a_service_from_a_local_template(releases: Releases, tmp_path: Path) -> None:
    install(releases, releases.new_wheel)
    plain = copy_template_tree(releases.repo, tmp_path / "plain-template")
    proc = gogen(releases, "new", "local-svc", "--defaults", "--template", str(plain), "-o",
                 str(tmp_path), "--no-go-download", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "can never be updated" in proc.stderr
    service = tmp_path / "local-svc"
    head = sh(["git", "rev-parse", "HEAD"], cwd=service).stdout
    proc = gogen(releases, "update", cwd=service)
    assert proc.returncode == 2
    assert "local path" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert sh(["git", "rev-parse", "HEAD"], cwd=service).stdout == head
    assert sh(["git", "status", "--porcelain"], cwd=service).stdout == ""


def test_a_shallow_clone_cannot_build_a_wheel(tmp_path: Path) -> None:
    shallow = tmp_path / "shallow"
    sh(["git", "clone", "--quiet", "--depth", "1", f"file://{ROOT}", str(shallow)])
    proc = sh([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir",
               str(tmp_path / "dist"), str(shallow)], check=False)
    assert proc.returncode != 0
    assert "shallow clone" in proc.stdout + proc.stderr
    assert not list((tmp_path / "dist").glob("*.whl")) if (tmp_path / "dist").exists() else True


def test_a_tree_without_history_cannot_build_a_wheel(tmp_path: Path) -> None:
    export = tmp_path / "export"
    sh(["git", "clone", "--quiet", "--no-local", str(ROOT), str(export)])
    shutil.rmtree(export / ".git")
    proc = sh([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir",
               str(tmp_path / "dist"), str(export)], check=False)
    assert proc.returncode != 0
    assert "not a git clone" in proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def head_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """gogen built from a clone of this repository's HEAD (its real releases), installed fresh."""
    base = tmp_path_factory.mktemp("head")
    repo = clone(base / "repo")
    wheel = build_wheel(repo, base / "dist")
    bindir = make_venv(base / "venv")
    pip_install(bindir, wheel)
    return bindir


def test_real_answer_rename_migrates_from_0_1_0_to_0_2_0(head_venv: Path, tmp_path: Path) -> None:
    """copier.yml's own _migrations: org_prefix (0.1.0) became module_prefix (0.2.0)."""
    gogen_bin = str(head_venv / "gogen")
    env = env_without_network_hints()
    sh([gogen_bin, "new", "ledger-service", "--defaults", "--vcs-ref", "v0.1.0", "-o", str(tmp_path)],
       cwd=tmp_path, env=env)
    service = tmp_path / "ledger-service"
    before = yaml.safe_load((service / ".copier-answers.yml").read_text())
    assert before["_commit"] == "v0.1.0"
    assert before["org_prefix"] == "github.com/acme"
    proc = sh(offline([gogen_bin, "update", "--vcs-ref", "v0.2.0"]), cwd=service, env=env, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "answer   org_prefix -> module_prefix (migrated)" in proc.stdout
    after = yaml.safe_load((service / ".copier-answers.yml").read_text())
    assert after["_commit"] == "v0.2.0"
    assert "org_prefix" not in after
    assert after["module_prefix"] == "github.com/acme"


def test_readme_quick_start(tmp_path: Path) -> None:
    """The README's first command, from a fresh clone: ./gogen new ledger-service, then build and test."""
    readme = (ROOT / "README.md").read_text()
    assert "./gogen new ledger-service" in readme
    assert "cd ledger-service && go build ./... && go test ./..." in readme
    repo = clone(tmp_path / "clone")
    work = tmp_path / "work"
    work.mkdir()
    proc = sh([str(repo / "gogen"), "new", "ledger-service"], cwd=work, env=env_without_network_hints())
    assert "Created" in proc.stdout, proc.stderr
    service = work / "ledger-service"
    answers = yaml.safe_load((service / ".copier-answers.yml").read_text())
    assert answers["_src_path"] == URL and answers["_commit"].startswith("v")
    go_run(["go", "build", "./..."], service)
    go_run(["go", "test", "./..."], service)


def test_update_online_reaches_a_release_newer_than_the_installed_gogen(releases: Releases,
                                                                         tmp_path: Path) -> None:
    """--online fetches from the recorded URL: here a file:// URL of the repository with NEW."""
    install(releases, releases.old_wheel)
    url = f"file://{releases.repo}"
    env = env_without_network_hints(GOGEN_TEMPLATE_URL=url)
    sh([str(releases.bindir / "gogen"), "new", "ledger-service", "--defaults", "-o", str(tmp_path)],
       cwd=tmp_path, env=env)
    service = tmp_path / "ledger-service"
    answers = yaml.safe_load((service / ".copier-answers.yml").read_text())
    assert answers["_src_path"] == f"git+{url}" and answers["_commit"] == f"v{OLD}"
    offline_try = sh(offline([str(releases.bindir / "gogen"), "update", "--vcs-ref", f"v{NEW}"]),
                     cwd=service, env=env, check=False)
    assert offline_try.returncode == 1, "the installed bundle does not have the newer release"
    assert sh(["git", "status", "--porcelain"], cwd=service).stdout == ""
    proc = sh([str(releases.bindir / "gogen"), "update", "--online", "--vcs-ref", f"v{NEW}"],
              cwd=service, env=env, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert yaml.safe_load((service / ".copier-answers.yml").read_text())["_commit"] == f"v{NEW}"
    assert (service / "docs" / "runbook.md").is_file()


LOCAL_TEST = '''package ledger_test

import (
	"testing"

	"{module}/internal/domain/ledger"
)

// The team pins the codes its clients rely on.
func TestUnbalancedCodeIsStable(t *testing.T) {
	if got := ledger.ErrUnbalanced.Code(); got != "unbalanced_transaction" {
		t.Fatalf("code %q", got)
	}
}
'''


@pytest.mark.parametrize("tool", ["gogen", "copier"])
def test_real_update_from_0_2_0_to_0_3_0(tool: str, head_venv: Path, tmp_path: Path) -> None:
    """0.3.0 rebuilt the template from components and replaced the list answer `databases` by
    `database` (a _migrations entry): a 0.2.0 service with local edits updates with gogen update
    and with plain copier update, keeps its edits, then builds and passes its tests."""
    env = env_without_network_hints()
    sh([str(head_venv / "gogen"), "new", "ledger-service", "--defaults", "--vcs-ref", "v0.2.0",
        "-o", str(tmp_path)], cwd=tmp_path, env=env)
    service = tmp_path / "ledger-service"
    assert yaml.safe_load((service / ".copier-answers.yml").read_text())["databases"] == ["postgres"]
    local = service / "internal" / "domain" / "ledger" / "local_test.go"
    local.write_text(LOCAL_TEST.replace("{module}", "github.com/acme/ledger-service"))
    with (service / ".gitignore").open("a") as f:
        f.write("/local-notes/\n")
    sh(["git", "add", "--all"], cwd=service)
    sh(["git", "-c", "user.name=dev", "-c", "user.email=dev@x", "commit", "-qm", "Local edits"], cwd=service)

    if tool == "gogen":
        dry = sh(offline([str(head_venv / "gogen"), "update", "--dry-run", "--vcs-ref", "v0.3.0"]),
                 cwd=service, env=env, check=False)
        assert dry.returncode == 0, dry.stdout + dry.stderr
        assert "answer   databases -> database (migrated)" in dry.stdout
        assert re.search(r"add\s+cmd/ledger-service/modules.go", dry.stdout)
        assert re.search(r"remove\s+cmd/ledger-service/wire.go", dry.stdout)
        proc = sh(offline([str(head_venv / "gogen"), "update", "--vcs-ref", "v0.3.0"]), cwd=service,
                  env=env, check=False)
    else:
        printed = sh([str(head_venv / "gogen"), "update", "--print-env"], cwd=service, env=env)
        for line in printed.stdout.splitlines():
            key, _, value = line.removeprefix("export ").partition("=")
            env[key] = value.strip("'")
        proc = sh(offline([str(head_venv / "copier"), "update", "--trust", "--defaults", "--conflict",
                           "inline", "--vcs-ref", "v0.3.0"]), cwd=service, env=env, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    answers = yaml.safe_load((service / ".copier-answers.yml").read_text())
    assert answers["_commit"] == "v0.3.0"
    assert answers["database"] == "postgres"
    assert "databases" not in answers
    assert local.read_text().startswith("package ledger_test")
    assert "/local-notes/" in (service / ".gitignore").read_text()
    marked = sh(["git", "grep", "-l", "-e", "<<<<<<< before updating"], cwd=service, check=False).stdout
    assert marked == "", f"conflicts left in {marked}"
    verify_go(service)


def test_an_update_from_the_latest_release_records_the_new_answer(head_venv: Path, tmp_path: Path) -> None:
    """A new answer (graphql, with its default false) needs no migration: a service of the
    newest release without it, updated to HEAD, records it and is exactly what HEAD generates
    for the same answers, without a GraphQL file or a conflict."""
    before = [version for version, commit in released_versions()
              if "graphql" not in yaml.safe_load(sh(["git", "show", f"{commit}:copier.yml"], cwd=ROOT).stdout)]
    latest = f"v{before[-1]}"
    head = sh(["git", "rev-parse", "HEAD"], cwd=ROOT).stdout.strip()
    gogen_bin = str(head_venv / "gogen")
    env = env_without_network_hints()
    for where, ref in (("old", latest), ("new", head)):
        (tmp_path / where).mkdir()
        sh([gogen_bin, "new", "ledger-service", "--defaults", "--vcs-ref", ref, "--no-go-download",
            "-o", str(tmp_path / where)], cwd=tmp_path / where, env=env)
    service = tmp_path / "old" / "ledger-service"
    assert "graphql" not in yaml.safe_load((service / ".copier-answers.yml").read_text())

    proc = sh(offline([gogen_bin, "update", "--vcs-ref", head]), cwd=service, env=env, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    assert yaml.safe_load((service / ".copier-answers.yml").read_text())["graphql"] is False
    assert not (service / "api" / "graphql").exists()
    assert read_tree(service) == read_tree(tmp_path / "new" / "ledger-service")
