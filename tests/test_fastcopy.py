"""gogen new renders a bundled release from a checkout made once: the same files, modes and
answers file as Copier cloning the release itself, and the same recorded source."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from gogen import render, source
from gogen.render import copy_template_tree
from support.render import ROOT, complete

URL = "https://example.invalid/gogen.git"
TAG = "v1.2.3"


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=cwd, check=True,
                   capture_output=True)


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> source.Source:
    """This checkout's template as release TAG of URL, read from a bundle as the wheel ships it."""
    base = tmp_path_factory.mktemp("fastcopy")
    repo = copy_template_tree(ROOT, base / "repo")
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "release")
    git(repo, "tag", "-a", TAG, "-m", TAG)
    bundle = base / "template.bundle"
    git(repo, "bundle", "create", str(bundle), "--all")
    env = {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": f"url.{bundle}.insteadOf", "GIT_CONFIG_VALUE_0": URL}
    return source.Source(URL, TAG, env, updatable=True, bundle=bundle)


def tree(root: Path) -> dict[str, tuple[int, bytes]]:
    return {str(p.relative_to(root)): (p.stat().st_mode, p.read_bytes() if p.is_file() else b"")
            for p in sorted(root.rglob("*"))}


def test_checkout_renders_what_copier_renders_and_records_the_url(
        bundled: source.Source, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(source.CACHE_ENV, str(tmp_path / "cache"))
    answers = complete({"project_name": "svc"})
    checkout = source.release_checkout(bundled)
    assert checkout is not None and checkout.is_relative_to(tmp_path / "cache")
    assert source.release_checkout(bundled) == checkout, "made once, then reused"
    with source.git_env(bundled.env):
        render.copy(bundled.src, tmp_path / "copier", answers, bundled.vcs_ref)
        render.copy(bundled.src, tmp_path / "gogen", answers, bundled.vcs_ref, checkout)
        render.copy(bundled.src, tmp_path / "again", answers, bundled.vcs_ref, checkout)  # compiled cache
    assert tree(tmp_path / "gogen") == tree(tmp_path / "copier")
    assert tree(tmp_path / "again") == tree(tmp_path / "copier")
    recorded = yaml.safe_load((tmp_path / "gogen" / ".copier-answers.yml").read_text())
    assert recorded["_src_path"] == URL and recorded["_commit"] == TAG
    assert not list(checkout.parent.glob(".*-*")), "no staging directory left behind"


def test_no_checkout_for_what_is_not_a_bundled_release(bundled: source.Source, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(source.CACHE_ENV, str(tmp_path / "cache"))
    for other in (source.Source(URL, "v9.9.9", bundled.env, True, bundle=bundled.bundle),  # not in the bundle
                  source.Source(URL, "main", bundled.env, True, bundle=bundled.bundle),    # not a release tag
                  source.Source(URL, TAG, {}, True)):                                       # not bundled
        assert source.release_checkout(other) is None
    checkout = source.release_checkout(bundled)
    assert checkout is not None
    shutil.rmtree(checkout / ".git")
    assert source.release_checkout(bundled) is None, "a damaged checkout is not used"
