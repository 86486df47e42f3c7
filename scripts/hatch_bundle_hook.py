"""Wheel build hook: ship the template's git history (every release tag) inside the wheel.

gogen renders from the canonical template URL, which git is told (inside gogen only) to read from
this bundle, so `gogen new` and `gogen update` work offline and record an updatable source. A
tree without full history cannot make the bundle, and the build fails rather than ship a wheel
that would generate services nobody can update.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

sys.path.insert(0, str(Path(__file__).resolve().parent))

from releases import ReleaseError, bundle, git

BUNDLE = Path("src/gogen/_bundle/template.bundle")
SCHEMA = Path("src/gogen/_bundle/copier.yml")


class BundleHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        root = Path(self.root)
        try:
            found = bundle(root, root / BUNDLE)
        except ReleaseError as exc:
            if version == "editable":  # a development install can still use --template
                self.app.display_warning(f"no template history bundled: {exc}")
                return
            raise SystemExit(f"gogen wheel build failed: {exc}") from None
        if version != "editable":  # an editable install reads it from src/ directly
            build_data["force_include"][str(root / BUNDLE)] = "gogen/_bundle/template.bundle"
            # The answer schema gogen validates with is the one of the release it renders, which
            # may be older than this checkout's copier.yml.
            release = dict(found).get(self.metadata.version, found[-1][1])
            (root / SCHEMA).write_text(git(root, "show", f"{release}:copier.yml") + "\n")
            build_data["force_include"][str(root / SCHEMA)] = "gogen/copier.yml"
        latest = found[-1][0]
        self.app.display_info(f"bundled template history with {len(found)} releases (latest v{latest})")
