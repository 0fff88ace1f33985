"""New PO numbers follow the workspace's pattern and continue its sequence."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.store.po_numbers import next_po_numbers
from planner.store.settings import SettingError, load_settings, save_setting

DEC_2 = dt.date(2026, 12, 2)


def _pos(db, *numbers: str) -> None:
    db.conn.executemany("INSERT INTO purchase_orders (po_number) VALUES (?)",
                        [(n,) for n in numbers])


def test_the_default_pattern_continues_the_highest_number_in_the_workspace(db):
    _pos(db, "PO-2026-0108", "PO-2026-0110", "PO-2025-0099", "SUPPLIER-REF-7")
    pattern = load_settings(db)["po_number_pattern"]
    assert pattern == "PO-{year}-{seq:04d}"
    assert next_po_numbers(db, 3, as_of=DEC_2, pattern=pattern) == [
        "PO-2026-0111", "PO-2026-0112", "PO-2026-0113"]


def test_a_new_year_keeps_counting_and_an_empty_workspace_starts_at_one(db):
    assert next_po_numbers(db, 1, as_of=DEC_2, pattern="PO-{year}-{seq:04d}") == ["PO-2026-0001"]
    _pos(db, "PO-2026-0041")
    assert next_po_numbers(db, 1, as_of=dt.date(2027, 1, 4),
                           pattern="PO-{year}-{seq:04d}") == ["PO-2027-0042"]


def test_other_patterns_and_numbers_already_taken(db):
    _pos(db, "ACME-20261202-3", "ACME-20261202-5")
    assert next_po_numbers(db, 2, as_of=DEC_2, pattern="ACME-{date}-{seq}") == [
        "ACME-20261202-6", "ACME-20261202-7"]
    # a number the sequence would reach, written by hand with a wider sequence, is skipped
    _pos(db, "P7")
    assert next_po_numbers(db, 1, as_of=DEC_2, pattern="P{seq}") == ["P8"]


@pytest.mark.parametrize("bad", ["PO-{year}", "PO-{seq}-{seq}", "PO-{supplier}-{seq}", "PO-{seq"])
def test_a_pattern_without_one_sequence_or_with_unknown_fields_is_refused(db, bad):
    with pytest.raises(SettingError, match="seq"):
        save_setting(db, "po_number_pattern", bad)
