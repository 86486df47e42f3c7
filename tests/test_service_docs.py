"""The generated ledger's README error table is tested against the code: every problem code the
service can answer is in the table, with the status the code's one mapping table gives."""

from __future__ import annotations

import re
from pathlib import Path

from support.render import render_service


def readme_table(readme: str) -> dict[str, str]:
    """Code -> status cell of the README's error table (rows naming several codes share it)."""
    table: dict[str, str] = {}
    for line in readme.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`") and re.match(r"^\d{3}", cells[1]):
            for code in re.findall(r"`([a-z_.]+)`", cells[0]):
                table[code] = cells[1]
    return table


def test_ledger_readme_error_table_matches_the_code(tmp_path: Path) -> None:
    service = render_service(tmp_path / "svc", {"project_name": "svc", "preset": "ledger"})
    table = readme_table((service / "README.md").read_text())

    domain = (service / "internal/domain/ledger/errors.go").read_text()
    domain += (service / "internal/domain/fault/fault.go").read_text()
    variables = dict(re.findall(r'(Err\w+) = (?:fault\.)?New\("([a-z_]+)"', domain))
    httpapi = service / "internal/adapters/httpapi"
    sources = "\n".join(p.read_text() for p in httpapi.glob("*.go") if not p.name.endswith("_test.go"))
    request_codes = set(re.findall(r'"((?:request|route)\.[a-z_.]+)"', sources)) | {"internal"}
    statuses = {variables[var]: status for var, status in
                re.findall(r"ledger\.(Err\w+):\s+http\.Status(\w+),", sources)}

    assert set(table) == set(variables.values()) | request_codes
    numbers = {"UnprocessableEntity": "422", "Conflict": "409", "NotFound": "404",
               "ServiceUnavailable": "503", "BadRequest": "400"}
    for code, status in statuses.items():
        assert table[code].startswith(numbers[status]), f"{code}: README says {table[code]}, the code {status}"
