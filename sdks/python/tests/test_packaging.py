"""`python -m build` makes a wheel and an sdist that install into a clean venv and work against Core."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

from .conftest import PKG_DIR


def run(*args: str | Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(a) for a in args], cwd=PKG_DIR, env=env, capture_output=True, text=True, timeout=240, check=False
    )
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_the_wheel_installs_into_a_fresh_venv_and_passes_the_release_smoke(
    core_url: str, tmp_path: Path
) -> None:
    dist = tmp_path / "dist"
    # --no-isolation: the pinned backend is already in the tooling venv (no second download).
    run(sys.executable, "-m", "build", "--no-isolation", "--wheel", "--sdist", "--outdir", dist)
    wheel = next(dist.glob("plystra-1.0.0-py3-none-any.whl"))
    sdist = next(dist.glob("plystra-1.0.0.tar.gz"))
    run(sys.executable, "-m", "twine", "check", "--strict", wheel, sdist)

    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        metadata = zf.read("plystra-1.0.0.dist-info/METADATA").decode()
    assert "plystra/py.typed" in names and "plystra/types.py" in names
    assert "plystra/_generated/resources.py" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert not any(n.startswith(("tests/", "examples/", "scripts/")) for n in names)
    assert "License-Expression: Apache-2.0" in metadata
    assert "Requires-Python: >=3.10" in metadata
    assert "Requires-Dist: httpx<1,>=0.27" in metadata
    assert "Requires-Dist: anyio<5,>=3.7" in metadata
    with tarfile.open(sdist) as tf:
        members = tf.getnames()
    assert "plystra-1.0.0/LICENSE" in members and "plystra-1.0.0/src/plystra/py.typed" in members

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    run(py, "-m", "pip", "install", "-q", "--disable-pip-version-check", wheel)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PLYSTRA_BASE_URL"] = core_url
    out = run(py, "-I", PKG_DIR / "tests" / "smoke_installed.py", env=env)
    assert out.strip().startswith("1.0.0 allow deny "), out
    # The README's first example, run by the installed wheel alone.
    out = run(py, "-I", PKG_DIR / "examples" / "quickstart.py", env=env)
    assert out.startswith("allow "), out
