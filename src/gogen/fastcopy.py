"""Copier's `run_copy`, reading a release from a checkout made once instead of cloning it per run.

Copier itself renders: the same Worker, questionnaire, answers file and files. Four things differ,
none of them in what is written:
- the template is read from a checked-out clone of the release (source.release_checkout) while
  `_src_path` and `_commit` are what Copier records for the URL and tag (the URL, `git describe`
  of the checkout), so `gogen update` and plain `copier update` work as before;
- Jinja templates are compiled once per process (Copier compiles each path part every time it
  renders it), and their compiled code is kept in a bytecode cache beside the checkout;
- a string without Jinja syntax (most path parts, the answers file's path Copier renders for
  every template path) is taken as its own rendering, without building a render context;
- Copier's per-file `git config core.fileMode` probe of the destination is skipped: gogen
  renders into a new scratch directory whose files no git index tracks, where that step does
  nothing whatever the probe answers.
"""

from __future__ import annotations

import contextlib
import hashlib
from functools import cached_property
from pathlib import Path
from typing import Any

import copier
import jinja2
from copier._jinja_ext import SandboxedEnvironment, get_yield_context
from copier._main import Worker
from copier._settings import SettingsModel
from copier._template import Template
from jinja2 import FileSystemBytecodeCache


class ReleaseWorker(Worker):
    """A Worker whose template is a prepared checkout of `src_path` at `vcs_ref`."""

    checkout_path: Path | None = None
    bytecode_path: Path | None = None

    @cached_property
    def template(self) -> Template:
        assert self.src_path is not None and self.checkout_path is not None
        template = Template(url=self.src_path, ref=self.vcs_ref if isinstance(self.vcs_ref, str) else None)
        # The checkout is gogen's to keep: no cleanup hook removes it, as one does a Copier clone.
        template.__dict__["local_abspath"] = self.checkout_path.resolve()
        return template

    @cached_property
    def jinja_env(self) -> SandboxedEnvironment:
        env: SandboxedEnvironment = Worker.jinja_env.func(self)  # type: ignore[attr-defined]
        bytecode: FileSystemBytecodeCache | None = None
        if self.bytecode_path is not None:
            try:
                self.bytecode_path.mkdir(parents=True, exist_ok=True)
                bytecode = FileSystemBytecodeCache(str(self.bytecode_path))
            except OSError:
                pass  # a read-only cache: compile every run
        env.bytecode_cache = bytecode
        compiled: dict[str, Any] = {}
        from_string = env.from_string

        def cached_from_string(source: Any, globals: Any = None, template_class: Any = None) -> Any:
            if globals is not None or template_class is not None or not isinstance(source, str):
                return from_string(source, globals, template_class)
            reset_yield(env)
            if source not in compiled:
                compiled[source] = env.template_class.from_code(env, compile_cached(source),
                                                                env.make_globals(None), None)
            return compiled[source]

        def compile_cached(source: str) -> Any:
            """env.compile(source), through the bytecode cache (Jinja caches only files)."""
            if bytecode is None:
                return env.compile(source)
            name = "from_string:" + hashlib.sha256(source.encode()).hexdigest()
            bucket = bytecode.get_bucket(env, name, None, source)
            if bucket.code is None:
                bucket.code = env.compile(source)
                with contextlib.suppress(OSError):
                    bytecode.set_bucket(bucket)
            return bucket.code

        env.from_string = cached_from_string  # type: ignore[method-assign]
        return env

    def plain(self, text: str) -> bool:
        """Whether `text` has no Jinja syntax (nor a newline Jinja would normalise): it renders
        as itself, whatever the context."""
        env = self.jinja_env
        marks = (env.block_start_string, env.variable_start_string, env.comment_start_string,
                 env.line_statement_prefix, env.line_comment_prefix, "\n", "\r")
        return not any(mark and mark in text for mark in marks)

    @property
    def answers_relpath(self) -> Path:
        # Copier renders it for every template path.
        raw = str(self.answers_file or self.template.answers_relpath)
        if self.plain(raw):
            return Path(raw)
        return Worker.answers_relpath.fget(self)  # type: ignore[attr-defined,no-any-return]

    def _render_string(self, string: str, extra_context: Any = None) -> str:
        # Most template path parts are plain names: no render context to build for them.
        if isinstance(string, str) and self.plain(string):
            reset_yield(self.jinja_env)
            return string
        return super()._render_string(string, extra_context)

    def _sync_git_index_executable_bit(self, dst_relpath: Path, src_mode: int) -> None:
        return None


def reset_yield(env: SandboxedEnvironment) -> None:
    """What compiling a template does first: Copier's yield extension resets its state there."""
    context = get_yield_context(env)
    context.yield_name = None
    context.yield_iterable = None


def run_copy(src: str, vcs_ref: str | None, checkout: Path, dst: Path, data: dict[str, Any]) -> None:
    """copier.run_copy(src, dst, data, vcs_ref, defaults, unsafe, quiet, overwrite, skip_tasks), the
    template read from `checkout`; compiled templates are kept in a directory beside it, named
    after it, this Copier (its extensions are compiled in) and this Jinja (whose bytecode cache
    names only its format's version)."""
    with ReleaseWorker(
        src_path=src,
        dst_path=dst,
        data=data,
        vcs_ref=vcs_ref,
        settings=SettingsModel.from_file(),
        defaults=True,
        overwrite=True,
        quiet=True,
        unsafe=True,
        skip_tasks=True,
    ) as worker:
        worker.checkout_path = checkout
        worker.bytecode_path = (checkout.parent / ".jinja"
                                / f"{checkout.name}-copier-{copier.__version__}-jinja-{jinja2.__version__}")
        worker.run_copy()
