"""The user guide's worked examples agree with what the app prints for the demo workspace.

docs/user-guide.md quotes the demo (default seed, ``--as-of 2025-06-02``, 60 SKUs) in blocks
marked ``<!-- guide-check: SUBJECT -->``. Each line is ``name = value`` or
``name = arithmetic = value``; when ``name`` is a field of the subject's JSON (a SKU of
``planner plan --json``, a line of ``planner backorders --json``, or the plan's KPIs), the value
must be what the app prints, and the arithmetic must give the value. Independently of the guide's
text, the documented formulas are checked against the app's JSON.

When the engine's numbers change, ``python tests/test_user_guide.py`` shows what differs and
``python tests/test_user_guide.py --write`` rewrites the blocks from the app's current output.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from statistics import NormalDist
from typing import Any

import pytest

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "user-guide.md"
AS_OF = "2025-06-02"
BLOCK = re.compile(r"<!-- guide-check: (?P<subject>[^>]+?) -->\s*```text\n(?P<body>.*?)```\s*"
                   r"<!-- /guide-check -->", re.DOTALL)
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@dataclass
class Quote:
    """One line of a guide-check block."""

    subject: str
    name: str
    expression: str | None
    value: str

    def __str__(self) -> str:
        return f"[{self.subject}] {self.name} = {self.value}"


def guide_quotes(text: str | None = None) -> list[Quote]:
    """Every line of every guide-check block in the user guide."""
    text = GUIDE.read_text(encoding="utf-8") if text is None else text
    quotes = []
    for block in BLOCK.finditer(text):
        for line in block["body"].splitlines():
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split(" = ")]
            assert len(parts) in (2, 3), f"not 'name = [arithmetic =] value': {line}"
            quotes.append(Quote(block["subject"].strip(), parts[0],
                                parts[1] if len(parts) == 3 else None, parts[-1]))
    return quotes


def _ordinal(match: re.Match[str]) -> str:
    return str(dt.date.fromisoformat(match[0]).toordinal())


def evaluate(expression: str) -> float:
    """The guide's arithmetic (×, ÷, −, √, ², ⌈⌉, round, max, dates as day numbers) as a number."""
    text = DATE.sub(_ordinal, expression)
    for symbol, python in (("×", "*"), ("÷", "/"), ("−", "-"), ("√", "sqrt"), ("²", "**2"),
                           ("^", "**"), ("⌈", "ceil("), ("⌉", ")"), ("days", "")):
        text = text.replace(symbol, python)
    names = {"sqrt": math.sqrt, "ceil": math.ceil, "round": round, "max": max, "min": min}
    words = set(re.findall(r"[A-Za-z_]+", text))
    assert words <= set(names), f"unknown words {words - set(names)} in {expression!r}"
    return float(eval(text, {"__builtins__": {}}, names))  # noqa: S307 - checked above


def as_number(value: str) -> float:
    """A quoted value as a number (dates as day numbers)."""
    return float(DATE.sub(_ordinal, value)) if DATE.fullmatch(value) else float(value)


def half_unit(value: str) -> float:
    """Half a unit of the quoted value's last decimal: the rounding it may carry."""
    decimals = len(value.split(".")[1]) if "." in value and not DATE.fullmatch(value) else 0
    return 0.5 * 10.0 ** -decimals + 1e-9


def test_the_guide_has_worked_examples_for_a_sku_a_backorder_line_and_the_book():
    subjects = {q.subject.split()[0] for q in guide_quotes()}
    assert {"sku", "backorder", "kpis"} <= subjects


@pytest.mark.parametrize("quote", [q for q in guide_quotes() if q.expression], ids=str)
def test_the_guides_arithmetic_gives_the_value_it_states(quote: Quote):
    got = evaluate(quote.expression)
    expected = as_number(quote.value)
    assert abs(got - expected) <= max(half_unit(quote.value), 0.003 * abs(expected)), (
        f"{quote.expression} = {got}, but the guide says {quote.value}")


# ------------------------------------------------------------------ the app's own output

@dataclass
class DemoOutputs:
    plan: dict[str, Any]
    backorders: list[dict[str, Any]]
    po_lines: list[dict[str, str]]
    #: supplier → order_cycle_days (0 where the supplier has none)
    order_cycles: dict[str, int]

    def review_days(self, sku: dict[str, Any]) -> int:
        """R of a SKU: its supplier's order cycle, else the review period."""
        return (self.order_cycles.get(sku.get("supplier") or "", 0)
                or int(self.plan["settings"]["review_period_days"]))


def _planner(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "planner", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=GUIDE.parents[1])


def _finish(process: subprocess.Popen) -> str:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return out


def make_demo_outputs(folder: Path) -> DemoOutputs:
    """Write the guide's demo workspace, then run `plan --json` and `backorders --json` on it."""
    workspace = folder / "demo.db"
    _finish(_planner("demo", str(workspace), "--as-of", AS_OF, "--csv-dir", str(folder / "csv")))
    # One at a time: a command holds the workspace open for writing while it runs.
    plan = json.loads(_finish(_planner("plan", str(workspace), "--as-of", AS_OF, "--json", "-")))
    backorders = json.loads(_finish(_planner("backorders", str(workspace), "--as-of", AS_OF,
                                             "--json", "-")))
    with open(folder / "csv" / "purchase_orders.csv", encoding="utf-8", newline="") as handle:
        po_lines = list(csv.DictReader(handle))
    with open(folder / "csv" / "suppliers.csv", encoding="utf-8", newline="") as handle:
        cycles = {row["supplier"]: int(row.get("order_cycle_days") or 0)
                  for row in csv.DictReader(handle)}
    return DemoOutputs(plan, backorders, po_lines, cycles)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> DemoOutputs:
    return make_demo_outputs(tmp_path_factory.mktemp("guide-demo"))


def subject_record(outputs: DemoOutputs, subject: str) -> dict[str, Any]:
    """The JSON object a guide-check block quotes."""
    kind, *keys = subject.split()
    if kind == "kpis":
        return outputs.plan["kpis"]
    if kind == "sku":  # "sku SKU LABEL"
        found = [s for s in outputs.plan["skus"] if s["sku"] == keys[0]]
    elif kind == "backorder":
        found = [b for b in outputs.backorders if b["order_id"] == keys[0] and b["sku"] == keys[1]]
    else:
        raise AssertionError(f"unknown guide-check subject {subject!r}")
    assert len(found) == 1, f"the demo has no single {subject}"
    return found[0]


def quoted_fields(outputs: DemoOutputs) -> list[tuple[Quote, Any]]:
    """Guide lines that name a JSON field of their subject, with the app's value."""
    pairs = []
    for quote in guide_quotes():
        record = subject_record(outputs, quote.subject)
        if quote.name in record:
            pairs.append((quote, record[quote.name]))
    return pairs


def agrees(quote: Quote, actual: Any) -> bool:
    """The quoted value is the app's: same text, or the same number to the quoted decimals."""
    if actual is None or isinstance(actual, (str, bool)):
        return str(actual).lower() == quote.value.lower()
    return abs(float(actual) - as_number(quote.value)) <= half_unit(quote.value)


@pytest.mark.slow
def test_every_number_the_guide_quotes_is_what_the_app_prints(demo: DemoOutputs):
    pairs = quoted_fields(demo)
    assert len(pairs) >= 30
    wrong = [f"{q} but the app prints {actual!r}" for q, actual in pairs if not agrees(q, actual)]
    assert not wrong, ("the guide is out of date (python tests/test_user_guide.py prints the "
                       "current values):\n" + "\n".join(wrong))


def _sku(demo: DemoOutputs, sku: str) -> dict[str, Any]:
    return subject_record(demo, f"sku {sku}")


def _guide_subject(kind: str) -> list[str]:
    return next(q.subject.split()[1:] for q in guide_quotes() if q.subject.startswith(kind))


@pytest.mark.slow
def test_safety_stock_reorder_point_and_order_up_to_follow_the_documented_formula(demo):
    settings = demo.plan["settings"]
    assert settings["service_level_type"] == "cycle"
    dock = settings["dock_to_stock_days"]
    normal = [s for s in demo.plan["skus"] if s["policy_distribution"] == "normal"]
    assert _guide_subject("sku")[0] in {s["sku"] for s in normal}
    for s in normal:
        review = demo.review_days(s)  # the supplier's order cycle, else the review period
        d, sigma = s["demand_per_day"], s["demand_std_per_day"]
        lead = s["lead_time_days"] + dock
        z = NormalDist().inv_cdf(s["service_level"])
        formula = z * math.sqrt((lead + review) * sigma**2 + d**2 * s["lead_time_std_days"] ** 2)
        assert s["safety_stock"] == pytest.approx(formula, rel=0.015), s["sku"]
        assert s["reorder_point"] == pytest.approx(d * lead + s["safety_stock"], abs=0.01)
        assert s["order_up_to"] == pytest.approx(s["reorder_point"] + d * review, abs=0.01)


@pytest.mark.slow
def test_days_of_cover_follow_the_documented_formula(demo):
    """The guide's formula, which the Products column's tooltip repeats."""
    for s in demo.plan["skus"]:
        if not s["demand_per_day"]:
            assert s["days_of_cover"] is None, s["sku"]
            continue
        usable = max(s["on_hand"] + s["on_hold"] - s["backordered"], 0)
        # the JSON rounds both to 4 decimals
        assert s["days_of_cover"] == pytest.approx(usable / s["demand_per_day"], rel=1e-3), s["sku"]


@pytest.mark.slow
def test_suggested_quantities_round_up_to_the_moq_and_whole_cases(demo):
    as_of = dt.date.fromisoformat(AS_OF)
    dock = demo.plan["settings"]["dock_to_stock_days"]
    for s in demo.plan["skus"]:
        if s["suggested_order_qty"]:
            assert s["suggested_order_qty"] % s["case_pack"] == 0, s["sku"]
            assert s["suggested_order_qty"] >= s["moq"], s["sku"]
    s = _sku(demo, _guide_subject("sku")[0])
    assert s["order_by"] == AS_OF, "the guide's SKU orders on the as-of date"
    position = s["on_hand"] + s["on_hold"] + s["on_order"] - s["backordered"]
    assert s["inventory_position"] == position
    raw = math.floor(s["order_up_to"] - position + 0.5)
    lifted = max(raw, s["moq"])
    assert s["suggested_order_qty"] == math.ceil(lifted / s["case_pack"]) * s["case_pack"]
    # the dock date: the lead time in whole days rounded up; sellable dock-to-stock later
    arrival = dt.date.fromisoformat(s["expected_arrival"])
    assert (arrival - as_of).days == math.ceil(s["lead_time_days"] - 1e-9)
    assert (dt.date.fromisoformat(s["sellable_date"]) - arrival).days == dock


@pytest.mark.slow
def test_backorder_lines_follow_the_documented_formulas(demo):
    settings = demo.plan["settings"]
    rate, buffer = settings["cancel_rate_per_day"], settings["promise_buffer_days"]
    as_of = dt.date.fromisoformat(AS_OF)
    covered = [b for b in demo.backorders if b["projected_ship_date"]]
    assert covered
    for b in covered:
        ship = dt.date.fromisoformat(b["projected_ship_date"])
        ordered = dt.date.fromisoformat(b["order_date"])
        assert b["days_waiting"] == (as_of - ordered).days
        waited = (ship - ordered).days
        if b["made_to_order"]:  # only the wait beyond its expected date counts
            expected = ((dt.date.fromisoformat(b["promised_date"]) - ordered).days
                        if b["promised_date"] else
                        math.ceil(_sku(demo, b["sku"])["lead_time_days"])
                        + settings["dock_to_stock_days"])
            waited = max(waited - expected, 0)
        assert b["cancel_probability"] == pytest.approx(1 - (1 - rate) ** waited, abs=1e-4)
        # cancel_probability is printed to 4 decimals, value_at_risk from the exact one
        assert b["value_at_risk"] == pytest.approx(b["value"] * b["cancel_probability"],
                                                   abs=0.01 + b["value"] * 5e-5)
        assert b["quoted_date"] == (ship + dt.timedelta(days=buffer)).isoformat()
        if b["promised_date"]:
            assert b["days_late"] == (ship - dt.date.fromisoformat(b["promised_date"])).days

    order_id, sku = _guide_subject("backorder")
    line = subject_record(demo, f"backorder {order_id} {sku}")
    po = [p for p in demo.po_lines if p["po_number"] == line["filled_from"] and p["sku"] == sku]
    assert len(po) == 1, "the guide's line is filled by one PO line"
    arrival = dt.date.fromisoformat(po[0]["expected_date"])
    sellable = arrival + dt.timedelta(days=settings["dock_to_stock_days"])
    assert line["projected_ship_date"] == sellable.isoformat()
    queue = [b for b in demo.backorders if b["sku"] == sku
             and b["queue_position"] <= line["queue_position"]]
    record = _sku(demo, sku)
    assert sum(b["quantity"] for b in queue) <= record["on_hand"] + int(po[0]["quantity"])
    product_price = record["unit_price"]
    assert line["value"] == pytest.approx(line["quantity"] * product_price)


# ------------------------------------------------------------------ refreshing the guide

def _n(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def render_sku_policy(outputs: DemoOutputs, sku: str) -> list[str]:
    """The safety stock / reorder point / order-up-to block for one SKU."""
    s, st = _sku(outputs, sku), outputs.plan["settings"]
    d, sd, sl = s["demand_per_day"], s["demand_std_per_day"], s["lead_time_std_days"]
    dock, review = st["dock_to_stock_days"], outputs.review_days(s)
    lead, z = s["lead_time_days"] + dock, NormalDist().inv_cdf(s["service_level"])
    cover = lead + review
    formula = z * math.sqrt(cover * sd**2 + d**2 * sl**2)
    return [
        f"demand_class = {s['demand_class']}",
        f"policy_distribution = {s['policy_distribution']}",
        f"demand_per_day = {_n(d, 4)}",
        f"demand_std_per_day = {_n(sd, 4)}",
        f"lead_time_days_stated = {s['lead_time_days_stated']}",
        f"lead_time_days = {_n(s['lead_time_days'], 4)}",
        f"lead_time_std_days = {_n(sl, 4)}",
        f"service_level = {s['service_level']}",
        f"z = {_n(z, 4)}",
        f"L (lead time + dock-to-stock) = {_n(s['lead_time_days'], 4)} + {dock} = {_n(lead, 4)}",
        f"L + R (protection interval) = {_n(lead, 4)} + {review} = {_n(cover, 4)}",
        f"safety stock by the formula = {_n(z, 4)} × √({_n(cover, 4)} × {_n(sd, 4)}² + "
        f"{_n(d, 4)}² × {_n(sl, 4)}²) = {_n(formula, 2)}",
        f"safety_stock = {_n(s['safety_stock'], 4)}",
        f"reorder_point = {_n(d, 4)} × {_n(lead, 4)} + {_n(s['safety_stock'], 4)} = "
        f"{_n(s['reorder_point'], 3)}",
        f"order_up_to = {_n(s['reorder_point'], 3)} + {_n(d, 4)} × {review} = "
        f"{_n(s['order_up_to'], 3)}",
    ]


def render_sku_order(outputs: DemoOutputs, sku: str) -> list[str]:
    """The position / order-by / suggested quantity block for one SKU."""
    s, st = _sku(outputs, sku), outputs.plan["settings"]
    position = s["on_hand"] + s["on_hold"] + s["on_order"] - s["backordered"]
    gap = s["order_up_to"] - position
    raw = math.floor(gap + 0.5)
    lifted = max(raw, s["moq"])
    return [
        f"on_hand = {s['on_hand']}",
        f"on_hold = {s['on_hold']}",
        f"on_order = {s['on_order']}",
        f"backordered = {s['backordered']}",
        f"inventory_position = {s['on_hand']} + {s['on_hold']} + {s['on_order']} − "
        f"{s['backordered']} = {s['inventory_position']}",
        f"days_of_cover = max({s['on_hand']} + {s['on_hold']} − {s['backordered']}, 0) ÷ "
        f"{_n(s['demand_per_day'], 4)} = {_n(s['days_of_cover'], 2)}",
        f"order_by = {s['order_by']}",
        f"order before rounding = {_n(s['order_up_to'], 3)} − {position} = {_n(gap, 3)}",
        f"to whole units = round({_n(gap, 3)}) = {raw}",
        f"raised to the MOQ = max({raw}, {s['moq']}) = {lifted}",
        f"suggested_order_qty = ⌈{lifted} ÷ {s['case_pack']}⌉ × {s['case_pack']} = "
        f"{s['suggested_order_qty']}",
        f"expected_arrival = {s['order_by']} + ⌈{_n(s['lead_time_days'], 1)}⌉ days = "
        f"{s['expected_arrival']}",
        f"sellable_date = {s['expected_arrival']} + {st['dock_to_stock_days']} days = "
        f"{s['sellable_date']}",
    ]


def render_backorder(outputs: DemoOutputs, order_id: str, sku: str) -> list[str]:
    """The worked backorder line."""
    b, st = subject_record(outputs, f"backorder {order_id} {sku}"), outputs.plan["settings"]
    po = next(p for p in outputs.po_lines if p["po_number"] == b["filled_from"] and p["sku"] == sku)
    waited = (dt.date.fromisoformat(b["projected_ship_date"])
              - dt.date.fromisoformat(b["order_date"])).days
    price = b["value"] / b["quantity"]
    return [
        f"quantity = {b['quantity']}",
        f"order_date = {b['order_date']}",
        f"promised_date = {b['promised_date']}",
        f"filled_from = {b['filled_from']}",
        f"queue_position = {b['queue_position']}",
        f"projected_ship_date = {po['expected_date']} + {st['dock_to_stock_days']} days = "
        f"{b['projected_ship_date']}",
        f"days_waiting = {AS_OF} − {b['order_date']} = {b['days_waiting']}",
        f"days_late = {b['projected_ship_date']} − {b['promised_date']} = {b['days_late']}",
        f"days from order to ship = {b['projected_ship_date']} − {b['order_date']} = {waited}",
        f"cancel_probability = 1 − (1 − {st['cancel_rate_per_day']})^{waited} = "
        f"{_n(b['cancel_probability'], 4)}",
        f"value = {b['quantity']} × {price:g} = {b['value']}",
        f"value_at_risk = {b['value']:g} × {_n(b['cancel_probability'], 4)} = "
        f"{_n(b['value_at_risk'], 4)}",
        f"quoted_date = {b['projected_ship_date']} + {st['promise_buffer_days']} days = "
        f"{b['quoted_date']}",
        f"flag_reasons = {b['flag_reasons']}",
    ]


KPI_KEYS = ["backorder_lines", "backorder_units", "backorder_value", "backorder_value_at_risk",
            "uncovered_backorder_lines", "late_backorder_lines"]


def render(outputs: DemoOutputs, subject: str) -> list[str]:
    """A guide-check block's lines from the app's output."""
    kind, *keys = subject.split()
    if kind == "kpis":
        return [f"{key} = {outputs.plan['kpis'][key]}" for key in KPI_KEYS]
    if kind == "sku":
        return {"policy": render_sku_policy, "order": render_sku_order}[keys[1]](outputs, keys[0])
    return render_backorder(outputs, *keys)


def refreshed_guide(outputs: DemoOutputs, text: str) -> str:
    """The guide with every guide-check block rewritten from the app's output."""
    def block(match: re.Match[str]) -> str:
        subject = match["subject"].strip()
        body = "\n".join(render(outputs, subject))
        return f"<!-- guide-check: {subject} -->\n```text\n{body}\n```\n<!-- /guide-check -->"

    return BLOCK.sub(block, text)


def main(argv: list[str]) -> int:
    """Show the guide's quoted values that differ from the app's; --write rewrites the blocks."""
    import difflib
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        outputs = make_demo_outputs(Path(folder))
    text = GUIDE.read_text(encoding="utf-8")
    fresh = refreshed_guide(outputs, text)
    if "--write" in argv:
        GUIDE.write_text(fresh, encoding="utf-8")
        print(f"rewrote the worked examples in {GUIDE}")
        return 0
    diff = list(difflib.unified_diff(text.splitlines(), fresh.splitlines(), "guide", "app",
                                     lineterm=""))
    print("\n".join(diff) if diff else "the guide's worked examples match the app")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
