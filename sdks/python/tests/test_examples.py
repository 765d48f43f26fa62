"""Every README example is a file in examples/, shown verbatim, and runs green against the real Core."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import PKG_DIR

EXAMPLES = sorted(p.name for p in (PKG_DIR / "examples").glob("*.py"))

EXPECTED_FIRST_LINE = {
    "quickstart.py": r"^allow ",
    "api_key.py": r"^bob may approve invoice_001: True$",
    "context_mode.py": r"^allow deny SCOPE_OUT_OF_BOUNDS$",
    "errors.py": r"^False SCOPE_OUT_OF_BOUNDS audit_\S+$",
    "request_ids.py": r"^req_checkout_\d+$",
    "token_persistence.py": r"^user_alice$",
    "async_client.py": r"^\['allow', 'deny'\]$",
    "pagination.py": r"^\d+ (True|False)$",
    "client_options.py": r"^tokens changed: True$",
}


def test_the_readme_shows_every_example_verbatim() -> None:
    readme = (PKG_DIR / "README.md").read_text()
    assert set(EXAMPLES) == set(EXPECTED_FIRST_LINE)
    for name in EXAMPLES:
        code = (PKG_DIR / "examples" / name).read_text().rstrip("\n")
        assert f"<!-- example: examples/{name} -->\n```python\n{code}\n```" in readme, name
    # Every Python block of the README is one of those files.
    assert readme.count("```python\n") == len(EXAMPLES)


def run_script(path: Path, core_url: str) -> str:
    """Runs a Python file against the test Core the way a user would; returns its stdout."""
    result = subprocess.run(
        [sys.executable, str(path)],
        env={**os.environ, "PLYSTRA_BASE_URL": core_url},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_runs_against_core(name: str, core_url: str) -> None:
    lines = run_script(PKG_DIR / "examples" / name, core_url).splitlines()
    assert re.match(EXPECTED_FIRST_LINE[name], lines[0]), lines
    if name == "errors.py":
        assert re.match(r"^400 VALIDATION_FAILED email req_\S+$", lines[1]), lines
    if name == "token_persistence.py":
        assert lines[-1].startswith("Tokens(access_token=None, refresh_token=None"), lines
    if name == "client_options.py":
        assert lines[1:] == ["v1"], lines
    if name == "request_ids.py":
        assert lines[1:] == ["True"], lines


def test_getting_started_guard_runs_against_core(core_url: str, tmp_path: Path) -> None:
    """docs/getting-started.md's Python section, verbatim: the mutation runs after the allow only."""
    guide = (PKG_DIR.parent.parent / "docs" / "getting-started.md").read_text()
    match = re.search(r"## 4\. Guard a mutation \(Python\).*?```python\n(.*?)```", guide, re.S)
    assert match, "docs/getting-started.md has no Python block in its section 4"
    script = tmp_path / "guard.py"
    script.write_text(match.group(1))
    output = run_script(script, core_url)
    assert re.fullmatch(
        r"approved invoice_001 \(trace_id=trace_\S+ audit_log_id=audit_\S+\)\n"
        r"refused invoice_002: SCOPE_OUT_OF_BOUNDS \(trace_id=trace_\S+ audit_log_id=audit_\S+\)\n",
        output,
    ), output
