"""A corpus of bad files: each is rejected whole, with every problem listed, and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.store.importers import ImportRejected, import_files

BAD = Path(__file__).parent / "fixtures" / "bad"

#: file → (kind given on the command line, every (row, column) that must be reported)
EXPECTED: dict[str, tuple[str | None, set[tuple[int | None, str | None]]]] = {
    "sales_quantities.csv": (None, {(2, "quantity"), (3, "quantity"), (4, "quantity"),
                                    (5, "quantity")}),
    "sales_dates.csv": (None, {(2, "date"), (3, "date"), (4, "date"), (5, "date")}),
    "sales_ambiguous_dates.csv": (None, {(None, "date")}),
    "sales_duplicates.csv": (None, {(3, "order_id"), (5, "order_id")}),
    "sales_missing_quantity.csv": ("sales", {(None, "quantity")}),
    "products_values.csv": (None, {(2, "made_to_order"), (3, "unit_cost"), (4, "case_pack"),
                                   (5, "service_level"), (6, "moq"), (7, "sku"), (8, "sku")}),
    "inventory_holds.csv": (None, {(2, "on_hand"), (3, "hold_release_date"), (6, "sku")}),
    "purchase_orders_lines.csv": (None, {(2, "expected_date"), (3, "status"), (3, "supplier"),
                                         (4, "quantity"), (5, "po_number")}),
    "backorders_cells.csv": (None, {(2, "order_id"), (3, "order_date"), (4, "priority")}),
    "forecast_overrides_dates.csv": (None, {(2, "end_date"), (3, "demand_per_day"),
                                            (4, "demand_per_day")}),
    "suppliers_values.csv": (None, {(2, "lead_time_days"), (3, "currency"), (4, "supplier")}),
    "unknown_header.csv": (None, {(None, None)}),
    "empty.csv": (None, {(None, None)}),
    "header_twice.csv": (None, {(None, "on_hand")}),
}


def _counts(db) -> dict[str, int]:
    tables = ["products", "suppliers", "sales", "daily_demand", "inventory", "purchase_orders",
              "po_lines", "backorders", "forecast_overrides", "import_log"]
    return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def test_the_corpus_is_complete():
    assert {p.name for p in BAD.iterdir()} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_lists_every_problem_and_writes_nothing(db, name):
    kind, expected = EXPECTED[name]
    before = _counts(db)
    with pytest.raises(ImportRejected) as caught:
        import_files(db, [BAD / name], kind=kind)
    found = {(p.row, p.column) for p in caught.value.problems}
    assert found == expected
    assert all(p.file == name for p in caught.value.problems)
    assert _counts(db) == before


def test_a_problem_reads_like_a_sentence(db):
    with pytest.raises(ImportRejected) as caught:
        import_files(db, [BAD / "sales_quantities.csv"])
    lines = str(caught.value).splitlines()
    assert lines[0] == ("sales_quantities.csv, row 2, column quantity: '3.5' is not a whole "
                        "number of units")
    assert len(lines) == 4


def test_one_bad_file_rejects_the_good_ones_too(db):
    good = Path(__file__).parent / "fixtures" / "good"
    with pytest.raises(ImportRejected) as caught:
        import_files(db, [good / "products.csv", BAD / "sales_dates.csv", good / "sales.csv"])
    assert {p.file for p in caught.value.problems} == {"sales_dates.csv"}
    assert _counts(db)["products"] == 0


def test_every_problem_of_a_long_file_is_counted(db, tmp_path):
    path = tmp_path / "many.csv"
    path.write_text("date,sku,quantity\n" + "2025-01-06,MUG-01,1.5\n" * 250)
    with pytest.raises(ImportRejected) as caught:
        import_files(db, [path])
    listed = [p for p in caught.value.problems if p.row is not None]
    summary = [p for p in caught.value.problems if p.row is None]
    assert len(listed) == 100
    assert "150 more rows (up to row 251)" in str(summary[0])


def test_an_ambiguous_date_column_names_the_fix(db):
    with pytest.raises(ImportRejected, match="--date-format"):
        import_files(db, [BAD / "sales_ambiguous_dates.csv"])
    [summary] = import_files(db, [BAD / "sales_ambiguous_dates.csv"], date_format="%d/%m/%Y")
    assert summary.inserted == 3
    dates = [r[0] for r in db.execute("SELECT date FROM sales ORDER BY date")]
    assert dates == ["2025-02-01", "2025-04-03", "2025-05-05"]


def test_an_unknown_kind_name_is_a_usage_error(db):
    with pytest.raises(ValueError, match="the kinds are: products, suppliers, sales"):
        import_files(db, [BAD / "sales_dates.csv"], kind="orders")


def test_a_missing_file_is_a_problem(db, tmp_path):
    with pytest.raises(ImportRejected, match="no such file"):
        import_files(db, [tmp_path / "nope.csv"])


def test_an_old_excel_workbook_is_refused_with_a_fix(db, tmp_path):
    path = tmp_path / "stock.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(ImportRejected, match="save it as .xlsx or CSV"):
        import_files(db, [path])


@pytest.mark.parametrize("text, expected", [
    ("date,sku,quantity\n", {(None, None)}),                                  # header only
    ("date,sku,quantity,order_id,channel\n2025-01-01,A\n", {(2, "quantity")}),  # short row
    ('sku,name\n"A,Mug\n', {(2, "sku")}),                                    # unclosed quote
    ("po_number,sku,quantity,expected_date,supplier\nPO1,A,1,2025-01-01,X\n"
     "PO1,B,1,2025-01-01,Y\n,C,1,2025-01-01,Z\n", {(3, "supplier"), (4, "po_number")}),
])
def test_awkward_files_found_by_fuzzing_are_rejected_cleanly(db, tmp_path, text, expected):
    path = tmp_path / "input.csv"
    path.write_text(text)
    with pytest.raises(ImportRejected) as caught:
        import_files(db, [path])
    assert {(p.row, p.column) for p in caught.value.problems} == expected


def test_repeated_lines_without_order_id_beside_keyed_lines_import(db, tmp_path):
    path = tmp_path / "sales.csv"
    path.write_text("date,sku,quantity,order_id\n2025-01-03,MUG-1,2,\n2025-01-03,BOWL-2,1,S2\n"
                    "2025-01-03,MUG-1,2,\n")
    [summary] = import_files(db, [path])
    assert summary.inserted == 3
    assert db.execute("SELECT quantity, order_lines FROM daily_demand WHERE sku = 'MUG-1'"
                      ).fetchone() == (4, 2)
