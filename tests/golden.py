"""Golden files: expected output kept next to the fixtures, compared exactly.

``GDI_UPDATE_GOLDEN=1`` rewrites them from what the code produces now (review the diff); a golden file that
does not exist yet is written and the test fails, so a new one is always looked at before it counts.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest


def assert_matches_golden(path: Path, actual: Any) -> None:
    update = os.environ.get("GDI_UPDATE_GOLDEN") == "1"
    if update or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(actual, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
        if not update:
            pytest.fail(f"wrote missing golden file {path.name}; review it and run again")
    assert actual == json.loads(path.read_text(encoding="utf-8"))
