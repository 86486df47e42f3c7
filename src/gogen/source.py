"""Where templates come from, and what a generated service records about it.

A service records the canonical git URL of the template repository and a release tag, never a
path of the machine that generated it, so plain `copier update` works anywhere that reaches the
URL. The installed gogen carries the template's whole history as a git bundle; inside gogen's
process only, git is told that the URL lives in that bundle, so nothing needs the network.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from gogen import __version__
from gogen.errors import GogenError

DEFAULT_TEMPLATE_URL = "https://github.com/gogen-dev/gogen.git"
URL_ENV = "GOGEN_TEMPLATE_URL"
CACHE_ENV = "GOGEN_CACHE_DIR"
RELEASE_TAG = re.compile(r"^v(\d+)\.(\d+)\.(\d+)$")
GIT_URL = re.compile(r"^(https?://|ssh://|git://|file://|git@|git\+)")


def template_url() -> str:
    return normalise_url(os.environ.get(URL_ENV, "").strip() or DEFAULT_TEMPLATE_URL)


def normalise_url(url: str) -> str:
    """The form of a git URL that Copier takes for a git repository, not a local path.

    Copier reads a URL as git only when it ends in .git or starts with git@, git:// or git+
    (or is on github.com or gitlab.com), so other servers get .git and file:// URLs git+.
    """
    if url.startswith("git+") or url.endswith(".git"):
        return url
    if url.startswith("file://"):
        return "git+" + url
    return url + ".git"


def git_side(url: str) -> str:
    """The URL as git itself sees it (Copier strips its git+ marker)."""
    return url.removeprefix("git+")


def require_git() -> None:
    if shutil.which("git") is None:
        raise GogenError("git is not installed or not on PATH: gogen needs git to render templates")


def bundle_path() -> Path:
    path = Path(str(resources.files("gogen") / "_bundle" / "template.bundle"))
    if not path.is_file():
        raise GogenError(
            "this gogen installation carries no template history (it was not built from a git "
            "clone); reinstall gogen from a release wheel, or pass --template"
        )
    return path


def release_tags(bundle: Path) -> list[str]:
    """Release tags in the bundle, oldest first."""
    out = subprocess.run(["git", "bundle", "list-heads", str(bundle)],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise GogenError(f"the bundled template history is unreadable: {out.stderr.strip()}")
    tags = [line.split()[1].removeprefix("refs/tags/") for line in out.stdout.splitlines()
            if "refs/tags/" in line]
    return sorted((t for t in tags if RELEASE_TAG.match(t)), key=version_key)


def version_key(tag: str) -> tuple[int, ...]:
    match = RELEASE_TAG.match(tag)
    return tuple(int(g) for g in match.groups()) if match else (-1,)


def installed_release() -> str:
    """The tag of the release this gogen ships (the newest bundled one for a development build)."""
    if RELEASE_TAG.match(f"v{__version__}"):
        return f"v{__version__}"
    tags = release_tags(bundle_path())
    if not tags:
        raise GogenError("the bundled template history has no release tag; pass --template")
    return tags[-1]


def offline_git_env(url: str | None = None) -> dict[str, str]:
    """Environment that makes git read `url` from the bundled history."""
    return {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": f"url.{bundle_path()}.insteadOf",
        "GIT_CONFIG_VALUE_0": git_side(url or template_url()),
    }


@contextmanager
def git_env(env: dict[str, str]) -> Iterator[None]:
    """Apply `env` to the git processes Copier starts (plumbum snapshots os.environ at import)."""
    from plumbum import local

    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        with local.env(**env):
            yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@dataclass(frozen=True)
class Source:
    """A template source for Copier, and whether services rendered from it can be updated."""

    src: str
    vcs_ref: str | None
    env: dict[str, str]
    updatable: bool
    note: str = ""
    bundle: Path | None = None
    """The installed history `src` is read from, when it is the bundled one."""


def bundled(vcs_ref: str | None = None) -> Source:
    """The canonical URL, read from the installed bundle."""
    return Source(template_url(), vcs_ref or installed_release(), offline_git_env(), updatable=True,
                  bundle=bundle_path())


def cache_dir() -> Path:
    """gogen's cache: $GOGEN_CACHE_DIR, else $XDG_CACHE_HOME/gogen, else ~/.cache/gogen."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "gogen"


def release_checkout(src: Source) -> Path | None:
    """A checked-out clone of a bundled release, made once per release and reused; None when
    `src` is not a bundled release tag (Copier then clones as usual, with its own errors).

    The directory is named after the tag and the object it names in the bundle, so a newer
    gogen whose bundle differs never reuses it, and it is moved into place only when complete:
    a directory that exists is a whole checkout. It is a git clone of the same history Copier
    would clone, so Copier reads the same files, file modes and `git describe` from it.
    """
    if src.bundle is None or not src.vcs_ref or not RELEASE_TAG.match(src.vcs_ref):
        return None
    heads = subprocess.run(["git", "bundle", "list-heads", str(src.bundle), f"refs/tags/{src.vcs_ref}"],
                           capture_output=True, text=True, check=False)
    found = heads.stdout.split()
    if heads.returncode != 0 or not found:
        return None
    releases = cache_dir() / "releases"
    final = releases / f"{src.vcs_ref}-{found[0][:20]}"
    if final.is_dir():
        # Whole when it was moved here; one damaged since (a cache half deleted) is not used.
        return final if (final / ".git" / "HEAD").is_file() and (final / "copier.yml").is_file() else None
    try:
        releases.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{final.name}-", dir=releases))
    except OSError:
        return None  # no writable cache: render as Copier does, cloning per run
    try:
        repo = staging / "repo"
        for cmd in (["git", "clone", "--quiet", "--no-checkout", str(src.bundle), str(repo)],
                    ["git", "-C", str(repo), "-c", "advice.detachedHead=false", "checkout", "--quiet",
                     "--detach", f"refs/tags/{src.vcs_ref}"]):
            if subprocess.run(cmd, capture_output=True, check=False).returncode != 0:
                return None
        try:
            repo.rename(final)
        except OSError:
            if not final.is_dir():  # not another gogen that got there first
                return None
        return final
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def explicit(src: str, vcs_ref: str | None) -> Source:
    """A source named with --template: a URL, a local repository or a plain directory."""
    if GIT_URL.match(src):
        return Source(normalise_url(src), vcs_ref, {}, updatable=True)
    path = Path(src).expanduser().resolve()
    if not (path / "copier.yml").is_file() and not (path / "copier.yaml").is_file():
        raise GogenError(f"--template: {src} is not a gogen template (no copier.yml there)")
    if (path / ".git").exists():
        note = (f"the service records the local path {path} as its template source: it can be "
                "updated only on this machine while that repository stays there")
        return Source(str(path), vcs_ref or "HEAD", {}, updatable=False, note=note)
    note = (f"{path} is a plain directory, not a git repository: the service records no template "
            "version and can never be updated with copier update")
    return Source(str(path), None, {}, updatable=False, note=note)
