"""Copies every examples/*.py into README.md after its `<!-- example: examples/x.py -->` marker.

python scripts/sync_readme.py           rewrite README.md
python scripts/sync_readme.py --check   fail when README.md shows an example that differs
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

PKG_DIR = Path(__file__).resolve().parent.parent
README = PKG_DIR / "README.md"
BLOCK = re.compile(r"(<!-- example: (examples/[\w.]+) -->\n)```python\n.*?```\n", re.S)


def render(text: str) -> str:
    def replace(m: re.Match[str]) -> str:
        code = (PKG_DIR / m.group(2)).read_text().rstrip("\n")
        return f"{m.group(1)}```python\n{code}\n```\n"

    return BLOCK.sub(replace, text)


def main() -> int:
    current = README.read_text()
    fresh = render(current)
    if "--check" in sys.argv[1:]:
        if fresh != current:
            print(
                "README.md is out of date with examples/: run python scripts/sync_readme.py", file=sys.stderr
            )
            return 1
        return 0
    README.write_text(fresh)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
