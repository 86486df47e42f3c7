"""Golden files pin the whole rendered tree of each preset, so every template change is reviewed
as a diff. Refresh deliberately with `pytest tests/test_golden.py --update-goldens` and review."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.render import read_tree, render_service


@pytest.mark.golden_test("goldens/*.yml")
def test_rendered_tree_matches_golden(golden, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    service = render_service(tmp_path / "svc", golden["answers"])
    tree = read_tree(service)
    assert sorted(tree) == golden.out["paths"]
    assert tree == golden.out["files"]
