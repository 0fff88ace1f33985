"""The demo's plan and backorder queue are exactly what they were before the code was rearranged.

tests/data/demo60_outputs.json.gz holds `planner plan --json` and `planner backorders --json` of
`planner demo --skus 60 --seed 7 --as-of 2025-06-02`, as written by the code once issue 23's
rules (one arrival date, the open-to-buy, money with its currency) and issue 24's forecast on
evidence landed, with the global forecast model switched off, so that the rest of the forecast
and everything downstream is pinned. A change that
means to change the plan regenerates it:

    PYTHONPATH=. python tests/test_plan_unchanged.py     # rewrites the golden file
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

GOLDEN = Path(__file__).parent / "data" / "demo60_outputs.json.gz"
AS_OF = "2025-06-02"


def planner(*args: str) -> None:
    env = dict(os.environ, PLANNER_TODAY=AS_OF)
    result = subprocess.run([sys.executable, "-m", "planner", *args], capture_output=True,
                            text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stderr


def demo_outputs(folder: Path) -> dict[str, object]:
    """The demo's plan and backorders, as `planner` writes them."""
    ws = folder / "demo.db"
    planner("demo", str(ws), "--skus", "60", "--seed", "7", "--as-of", AS_OF)
    planner("config", str(ws), "forecast_global_model", "off")
    planner("plan", str(ws), "--as-of", AS_OF, "--json", str(folder / "plan.json"))
    planner("backorders", str(ws), "--as-of", AS_OF, "--json", str(folder / "backorders.json"))
    return {"plan": json.loads((folder / "plan.json").read_text(encoding="utf-8")),
            "backorders": json.loads((folder / "backorders.json").read_text(encoding="utf-8"))}


def test_the_demo_plan_and_backorders_are_unchanged(tmp_path):
    expected = json.loads(gzip.decompress(GOLDEN.read_bytes()))
    actual = demo_outputs(tmp_path)
    assert actual["plan"].keys() == expected["plan"].keys()
    # settings added since the golden file was written
    new_settings = set(actual["plan"]["settings"]) - set(expected["plan"]["settings"])
    assert new_settings <= {"forecast_global_model"}
    for name in new_settings:
        del actual["plan"]["settings"][name]
    # every per-SKU key is pinned (the golden file was last written after issue 23)
    assert {key for row in actual["plan"]["skus"] for key in row} == \
        {key for row in expected["plan"]["skus"] for key in row}
    for key in expected["plan"]:
        assert actual["plan"][key] == expected["plan"][key], f"plan[{key!r}] changed"
    assert actual["backorders"] == expected["backorders"]


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        outputs = demo_outputs(Path(folder))
    text = json.dumps(outputs, separators=(",", ":"), sort_keys=True)
    GOLDEN.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    print(f"wrote {GOLDEN} ({GOLDEN.stat().st_size:,} bytes)")
