"""Messy but valid files, as spreadsheets and other systems really write them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from planner.store.importers import ImportRejected, import_files

MESSY = Path(__file__).parent / "fixtures" / "messy"


def _rows(db, sql: str) -> list[tuple]:
    return [tuple(r) for r in db.execute(sql)]


def test_utf8_bom_crlf_quoted_fields_and_trailing_blank_rows(db):
    [summary] = import_files(db, [MESSY / "sales_bom_crlf.csv"])
    assert (summary.kind, summary.rows_read, summary.inserted) == ("sales", 3, 3)
    assert _rows(db, "SELECT date, sku, quantity, order_id, unit_price, channel FROM sales "
                     "ORDER BY id") == [
        ("2025-01-06", "00123", 2, "A-1", 14.0, "web"),
        ("2025-01-07", "00123", 3, "A-2", None, "wholesale"),  # "3.0" is 3 units
        ("2025-01-06", "007", 1, "A-1", 1299.0, "web, EU"),    # "1,299.00" has a thousands comma
    ]


def test_leading_zeros_of_skus_are_kept(db):
    import_files(db, [MESSY / "sales_bom_crlf.csv"])
    assert {r[0] for r in db.execute("SELECT sku FROM products")} == {"00123", "007"}


def test_windows_1252_with_semicolons_decimal_commas_and_thousands_dots(db):
    [summary] = import_files(db, [MESSY / "products_cp1252_semicolon.csv"])
    assert "read as Windows-1252 text" in summary.notes
    assert _rows(db, "SELECT sku, name, supplier, unit_cost, unit_price, moq FROM products "
                     "ORDER BY sku") == [
        ("CAF-1", "Café crème bowl", "Müller GmbH", 3.5, 1299.0, 1000),
        ("CAF-2", "Crêpe pan – 24 cm", "Müller GmbH", 12.75, 29.9, 50),
    ]


def test_excel_serial_dates_and_thousands_in_quantities(db):
    import_files(db, [MESSY / "sales_serial_dates.csv"])
    assert _rows(db, "SELECT date, sku, quantity FROM sales ORDER BY date, sku") == [
        ("2025-01-06", "00123", 1200), ("2025-01-07", "00123", 2), ("2025-01-07", "007", 4)]


def test_one_unambiguous_date_tells_the_order_of_the_whole_file(db):
    import_files(db, [MESSY / "backorders_day_first.csv"])
    assert _rows(db, "SELECT order_id, order_date, promised_date FROM backorders "
                     "ORDER BY order_id") == [("B-1", "2025-01-31", "2025-02-14"),
                                              ("B-2", "2025-02-01", "2025-03-03")]


def test_excel_sep_hint_line_and_decimal_comma_default_for_semicolons(db):
    import_files(db, [MESSY / "inventory_sep_hint.csv"])
    assert _rows(db, "SELECT sku, on_hand, on_hold, hold_release_date FROM inventory "
                     "ORDER BY sku") == [("00123", 1500, 12, "2025-02-01"), ("007", 0, 0, None)]


def test_tab_separated_text(db):
    [summary] = import_files(db, [MESSY / "overrides_tabs.tsv"])
    assert summary.kind == "forecast_overrides"
    assert _rows(db, "SELECT sku, demand_per_day FROM forecast_overrides ORDER BY sku") == [
        ("00123", 1.75), ("007", 0.2)]


def test_day_first_dates_with_a_date_format(db, tmp_path):
    path = tmp_path / "sales.csv"
    path.write_text("date,sku,quantity\n01.02.2025,A,1\n2025-02-03,A,2\n")
    with pytest.raises(ImportRejected):
        import_files(db, [path], date_format="%m/%d/%Y")
    import_files(db, [path], date_format="%d.%m.%Y")
    assert _rows(db, "SELECT date FROM sales ORDER BY date") == [("2025-02-01",), ("2025-02-03",)]


def test_month_names_and_timestamps(db, tmp_path):
    path = tmp_path / "sales.csv"
    path.write_text("date,sku,quantity\n5 Mar 2025,A,1\n\"March 6, 2025\",A,1\n"
                    "2025-03-07T18:30:00Z,A,1\n2025/03/08 10:00,A,1\n")
    import_files(db, [path])
    assert [r[0] for r in db.execute("SELECT date FROM sales ORDER BY date")] == [
        "2025-03-05", "2025-03-06", "2025-03-07", "2025-03-08"]


def test_xlsx_with_date_cells_numeric_skus_and_blank_rows(db, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([])  # a blank first row: the header is row 2
    sheet.append(["Date", "SKU", "Quantity", "Order ID", "Unit price"])
    sheet.append([dt.datetime(2025, 1, 6), 123, 2.0, 5001, 14.5])
    sheet.append([dt.date(2025, 1, 7), "00123", 1, "5002", None])
    sheet.append([45664, "00123", "3", 5003, "9.99"])  # a serial number in a plain cell
    sheet.append([None, None, None, None, None])
    sheet.append([])
    path = tmp_path / "sales.xlsx"
    workbook.save(path)
    [summary] = import_files(db, [path])
    assert (summary.kind, summary.rows_read, summary.inserted) == ("sales", 3, 3)
    assert _rows(db, "SELECT date, sku, quantity, order_id, unit_price FROM sales "
                     "ORDER BY order_id") == [
        ("2025-01-06", "123", 2, "5001", 14.5),
        ("2025-01-07", "00123", 1, "5002", None),
        ("2025-01-07", "00123", 3, "5003", 9.99),
    ]


def test_xlsx_problems_name_the_sheet_row(db, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["sku", "on_hand"])
    sheet.append(["A", 3])
    sheet.append(["B", 2.5])
    path = tmp_path / "stock.xlsx"
    workbook.save(path)
    with pytest.raises(ImportRejected) as caught:
        import_files(db, [path])
    [problem] = caught.value.problems
    assert (problem.row, problem.column, problem.value) == (3, "on_hand", "2.5")


def test_a_column_with_spaces_around_values_is_trimmed(db, tmp_path):
    path = tmp_path / "inventory.csv"
    path.write_text("sku , on_hand\n  A1 ,  4 \nB2,0\n")
    import_files(db, [path])
    assert _rows(db, "SELECT sku, on_hand FROM inventory ORDER BY sku") == [("A1", 4), ("B2", 0)]
