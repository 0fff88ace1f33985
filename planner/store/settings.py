"""Workspace settings: declared once with their default, type and validation."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from planner.errors import UserError

#: forecast_global_model: the weight of the global model in each SKU's forecast
GLOBAL_MODEL_WEIGHTS: dict[str, bool | float] = {"off": False, "blend": 0.5, "by_class": True}
GLOBAL_MODEL_CHOICES = tuple(GLOBAL_MODEL_WEIGHTS)


class SettingError(UserError, ValueError):
    """A setting name or value that cannot be used."""


def _anything(value: Any) -> bool:
    return True


@dataclass(frozen=True)
class Setting:
    """One workspace setting: how it is stored and checked (store, CLI) and shown (the app's
    settings dialog), declared once."""

    key: str
    default: Any
    cast: Callable[[str], Any]
    help: str
    #: a further check beyond the range and the choices
    validate: Callable[[Any], bool] = _anything
    #: what a valid value looks like, for error messages
    expected: str = ""
    #: the dialog's label
    label: str = ""
    #: the dialog's tab: "planning" or "company" (company details and PDFs)
    group: str = "planning"
    #: the allowed values and how the dialog names each (empty: any value)
    choices: tuple[tuple[str, str], ...] = ()
    #: the lowest and highest valid value (None: no limit); ``below`` makes the highest excluded
    minimum: float | None = None
    maximum: float | None = None
    below: bool = False
    #: how the dialog shows it: "" (as stored), "percent" (a share shown as 95.0 %), "days"
    unit: str = ""
    #: typed over several lines in the dialog
    multiline: bool = False

    @property
    def whole(self) -> bool:
        """Its values are whole numbers (the dialog shows a whole-number box)."""
        return self.cast in (int, _whole)

    @property
    def numeric(self) -> bool:
        """Its values are numbers (the dialog shows a number box)."""
        return self.whole or self.cast in (float, _number, _share, _percent_only)

    def accepts(self, value: Any) -> bool:
        """The value (already cast) is within the range, one of the choices and valid."""
        if self.choices and value not in {choice for choice, _ in self.choices}:
            return False
        if self.minimum is not None and not value >= self.minimum:
            return False
        if self.maximum is not None and not (value < self.maximum if self.below
                                             else value <= self.maximum):
            return False
        return self.validate(value)


def _bool(text: str) -> bool:
    lowered = str(text).strip().lower()
    if lowered in {"1", "true", "yes", "y", "on"}:
        return True
    if lowered in {"0", "false", "no", "n", "off"}:
        return False
    raise ValueError(text)


def _text(text: str) -> str:
    return str(text)


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _number(text: str) -> float:
    """A plain decimal number ("1_0", "inf", "nan" and "0x10" are not)."""
    cleaned = str(text).strip()
    if not _NUMBER.fullmatch(cleaned):
        raise ValueError(text)
    return float(cleaned)


def _whole(text: str) -> int:
    """A whole number, written as such ("7", "7.0"); not "7.5" or "1_0"."""
    value = _number(text)
    if value != int(value):
        raise ValueError(text)
    return int(value)


def _share(text: str) -> float:
    """A share written as 0.95, 95 % or 95: what the app's percent fields show is accepted
    as typed (a share is below 1, so 95 can only mean 95 %)."""
    cleaned = str(text).strip()
    percent = cleaned.endswith("%")
    value = _number(cleaned.rstrip("%").strip() if percent else cleaned)
    return value / 100 if percent or 1 < value <= 100 else value


def _percent_only(text: str) -> float:
    """A share written as 0.25 or 25 % (a plain 25 stays 25: the setting allows shares over 1)."""
    cleaned = str(text).strip()
    if cleaned.endswith("%"):
        return _number(cleaned.rstrip("%").strip()) / 100
    return _number(cleaned)


def _po_pattern_ok(value: str) -> bool:
    from planner.store.po_numbers import check_pattern

    return check_pattern(value)


def abc_service_levels(text: str) -> dict[str, float]:
    """``A=0.98,B=0.95,C=0.90`` as {class: level}; empty text is {}; ValueError otherwise."""
    levels: dict[str, float] = {}
    for part in str(text).replace(";", ",").split(","):
        if not part.strip():
            continue
        name, _, value = part.partition("=")
        name = name.strip().upper()
        level = _share(value)
        if name not in {"A", "B", "C"} or name in levels or not 0.5 <= level < 1:
            raise ValueError(text)
        levels[name] = level
    return levels


def _abc_levels_text(text: str) -> str:
    return ",".join(f"{k}={v:g}" for k, v in sorted(abc_service_levels(text).items()))


def _finite(value: float) -> bool:
    return value == value and value != float("inf")


SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in [
        Setting("service_level", 0.95, _share, "target service level (cycle or fill rate)",
                expected="a share from 0.5 to below 1, e.g. 0.95 (or 95 %)", label="Service level",
                minimum=0.5, maximum=1, below=True, unit="percent"),
        Setting("service_level_type", "cycle", _text,
                "`cycle` (no stockout per cycle) or `fill_rate` (share of demand served)",
                expected="cycle or fill_rate", label="Service level means",
                choices=(("cycle", "cycle service level (chance of no stockout per order "
                                   "cycle)"),
                         ("fill_rate", "fill rate (share of demand shipped from stock)"))),
        Setting("review_period_days", 7, _whole, "days between order reviews; 0 = continuous",
                expected="whole days from 0 to 365", label="Review period",
                minimum=0, maximum=365, unit="days"),
        Setting("horizon_days", 182, _whole, "how far projections and plans look",
                expected="whole days from 7 to 1095", label="Planning horizon",
                minimum=7, maximum=1095, unit="days"),
        Setting("dock_to_stock_days", 2, _whole, "days from a PO's arrival to sellable stock",
                expected="whole days from 0 to 60", label="Dock to stock",
                minimum=0, maximum=60, unit="days"),
        Setting("hold_release_days", 7, _whole, "release delay for held stock without a date",
                expected="whole days from 0 to 365", label="Hold release (no date)",
                minimum=0, maximum=365, unit="days"),
        Setting("cancel_rate_per_day", 0.02, _share,
                "chance per day of waiting that a backordered customer cancels",
                expected="a share from 0 to below 1, e.g. 0.02 (or 2 %)",
                label="Cancel rate per day of waiting", minimum=0, maximum=1, below=True,
                unit="percent"),
        Setting("promise_buffer_days", 3, _whole, "days added to projected dates when quoting",
                expected="whole days from 0 to 60", label="Promise buffer",
                minimum=0, maximum=60, unit="days"),
        Setting("split_shipment_cost", 14.0, _number, "cost of one extra shipment",
                expected="a non-negative amount", label="Cost of a split shipment", minimum=0),
        Setting("abc_service_levels", "", _abc_levels_text,
                "default service level by ABC class, e.g. A=0.98,B=0.95,C=0.90 (a product's "
                "own service_level still wins; empty = service_level for all)",
                expected="class=level pairs for A, B and/or C separated by commas, each level "
                         "from 0.5 to below 1, e.g. A=0.98,B=0.95,C=0.90 (or empty)",
                label="Service level by ABC class"),
        Setting("dead_after_days", 180, _whole,
                "a SKU with stock and no sale for this many days is dead stock",
                expected="whole days from 1 to 3650", label="Dead stock after",
                minimum=1, maximum=3650, unit="days"),
        Setting("purchase_budget_per_month", 0.0, _number,
                "open-to-buy per calendar month for suggested orders (landed value, workspace "
                "currency); 0 = no budget", _finite,
                "an amount of 0 or more (0 = no budget)", label="Purchase budget per month",
                minimum=0),
        Setting("default_lead_time_days", 30, _number,
                "lead time for products whose product and supplier give none",
                expected="days from 0 to 730", label="Default lead time",
                minimum=0, maximum=730, unit="days"),
        Setting("currency", "USD", _text, "currency code for money columns",
                lambda v: len(v) == 3 and v.isalpha(), "a three-letter ISO code such as USD",
                label="Currency", group="company"),
        Setting("holding_cost_rate", 0.25, _percent_only,
                "yearly cost of holding stock, as a share of its landed value (price breaks)",
                expected="a share of value per year from 0 to 5, e.g. 0.25",
                label="Holding cost per year", minimum=0, maximum=5, unit="percent"),
        Setting("forecast_global_model", "off", _text,
                "`off` (the default: on real retail data the blend scored worse than each "
                "SKU's own forecast): each SKU's own forecast only; `blend`: average a LightGBM "
                "model trained across the whole catalog half and half with each SKU's own "
                "forecast (retiring SKUs keep their decay); `by_class`: weigh it per demand "
                "class by backtests a season back and at the latest origin (the model needs 30 "
                "SKUs and a year of history)",
                expected="off, blend or by_class", label="Global forecast model",
                choices=(("off", "off: each SKU's own forecast only"),
                         ("blend", "blend half and half with each SKU's own forecast"),
                         ("by_class", "weigh it per demand class by backtest"))),
        Setting("company_name", "", _text, "printed on PDFs", label="Company name",
                group="company"),
        Setting("company_address", "", _text, "printed on supplier PDFs", label="Address",
                group="company", multiline=True),
        Setting("company_logo", "", _text, "path to a PNG/JPEG logo for PDFs", label="Logo",
                group="company"),
        Setting("page_size", "A4", _text, "PDF page size", expected="A4 or Letter",
                label="Page size", group="company", choices=(("A4", "A4"), ("Letter", "Letter"))),
        Setting("purchase_terms", "", _text, "terms and notes printed on supplier PDFs",
                label="Terms and notes", group="company", multiline=True),
        Setting("po_number_pattern", "PO-{year}-{seq:04d}", _text,
                "how approved suggestions are numbered; {seq} continues the workspace's highest",
                _po_pattern_ok,
                "a pattern with one {seq} (e.g. {seq:04d}) and optionally {year}, {month}, "
                "{day} or {date}, such as PO-{year}-{seq:04d}; widths up to 32, at most 100 "
                "characters", label="PO numbers"),
    ]
}


def parse_setting(key: str, value: str) -> Any:
    """Cast and validate a setting's text value, raising SettingError with a fix."""
    if key not in SETTINGS:
        known = ", ".join(sorted(SETTINGS))
        raise SettingError(f"unknown setting {key!r}; known settings: {known}")
    setting = SETTINGS[key]
    try:
        typed = setting.cast(value)
    except (TypeError, ValueError):
        expected = setting.expected or setting.cast.__name__
        raise SettingError(f"{key} = {value!r} is not valid: expected {expected}") from None
    if setting.key == "currency":
        typed = typed.upper()
    if not setting.accepts(typed):
        shown = value if len(value) <= 60 else value[:60] + "…"
        raise SettingError(f"{key} = {shown!r} is not valid: expected {setting.expected}")
    return typed


def load_settings(db: Database) -> dict[str, Any]:
    """All settings, stored values over defaults."""
    values = {key: s.default for key, s in SETTINGS.items()}
    if db["settings"].exists():
        for row in db.execute("SELECT key, value FROM settings"):
            key, value = row
            if key in SETTINGS:
                try:
                    values[key] = parse_setting(key, value)
                except SettingError:
                    pass  # a bad stored value falls back to the default
    return values


def save_setting(db: Database, key: str, value: Any) -> Any:
    """Validate and store one setting; returns the typed value."""
    from planner.store.workspace import environment_errors, workspace_file

    typed = parse_setting(key, str(value))
    with environment_errors(workspace_file(db) or "the workspace", f"save {key} in"), \
            db.atomic():
        db.execute(
            "INSERT INTO settings(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, str(typed)],
        )
    return typed
