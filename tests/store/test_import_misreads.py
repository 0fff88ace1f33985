"""Imports that never misread (spec "Import rules", issue 25 items 1 and 2): a misspelt header is
refused with the near spelling, never read as another kind; a SKU that differs from a known one
only by case or spaces is refused with "did you mean", never created beside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.store.importers import ImportRejected, import_files

PRODUCTS = "sku,name,unit_price\nFF-CND-SEA-8,Sea candle,28.00\nFF-MUG-1,Mug,12.00\n"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _table(db, sql: str) -> list[tuple]:
    return [tuple(r) for r in db.execute(sql)]


def test_a_sales_file_with_quanity_is_refused_not_read_as_products(db, tmp_path):
    import_files(db, [_write(tmp_path / "products.csv", PRODUCTS)])
    before = _table(db, "SELECT sku, unit_price FROM products ORDER BY sku")
    # one line per SKU, so that it would pass as a products file with a price update
    sales = _write(tmp_path / "sales.csv", "date,sku,quanity,unit_price\n"
                   "2025-05-01,FF-CND-SEA-8,3,25.00\n2025-05-01,FF-MUG-1,1,12.00\n")
    with pytest.raises(ImportRejected) as caught:
        import_files(db, [sales])
    message = str(caught.value)
    assert "sales.csv" in message and "did you mean `quantity`" in message
    assert "quanity" in message and "sales file" in message
    assert _table(db, "SELECT sku, unit_price FROM products ORDER BY sku") == before
    assert _table(db, "SELECT count(*) FROM sales") == [(0,)]


def test_a_long_misspelt_file_names_the_typo_not_thousands_of_rows(db, tmp_path):
    rows = "".join(f"2025-05-{1 + i % 28:02d},FF-MUG-1,1\n" for i in range(3000))
    sales = _write(tmp_path / "sales.csv", "date,sku,quanity\n" + rows)
    with pytest.raises(ImportRejected) as caught:
        import_files(db, [sales])
    assert len(caught.value.problems) == 1
    assert "did you mean `quantity`" in str(caught.value)


def test_the_near_spelling_is_named_when_the_kind_is_given(db, tmp_path):
    sales = _write(tmp_path / "sales.csv", "date,sku,quanity\n2025-05-01,FF-MUG-1,1\n")
    with pytest.raises(ImportRejected) as caught:
        import_files(db, [sales], kind="sales")
    assert "did you mean `quantity` (the file says `quanity`)" in str(caught.value)


@pytest.mark.parametrize("header, kind", [
    ("sku,on_hnad,snapshot_date", "inventory"),
    ("po_number,sku,quantity,expected_dat", "purchase_orders"),
    ("order_id,sku,quantity,order_dat", "backorders"),
])
def test_other_kinds_near_misses_are_refused_too(db, tmp_path, header, kind):
    path = _write(tmp_path / "file.csv", header + "\nA,1,2025-05-01,2025-05-01\n")
    with pytest.raises(ImportRejected) as caught:
        import_files(db, [path])
    assert f"{kind} file" in str(caught.value) and "did you mean" in str(caught.value)


@pytest.mark.parametrize("written", ["ff-cnd-sea-8", "ff-cnd-sea-8 ", " Ff-Cnd-Sea-8"])
def test_a_sku_differing_only_by_case_or_spaces_is_refused_with_the_match(db, tmp_path, written):
    import_files(db, [_write(tmp_path / "products.csv", PRODUCTS)])
    sales = _write(tmp_path / "sales.csv", "date,sku,quantity\n2025-05-01,FF-MUG-1,2\n"
                   f'2025-05-02,"{written}",3\n')
    with pytest.raises(ImportRejected) as caught:
        import_files(db, [sales])
    problem = caught.value.problems[0]
    assert (problem.file, problem.row, problem.column) == ("sales.csv", 3, "sku")
    assert "did you mean 'FF-CND-SEA-8'" in str(problem)
    assert _table(db, "SELECT count(*) FROM products") == [(2,)]
    assert _table(db, "SELECT count(*) FROM sales") == [(0,)]


def test_a_new_sku_is_still_created_and_exact_ones_match(db, tmp_path):
    import_files(db, [_write(tmp_path / "products.csv", PRODUCTS)])
    # surrounding spaces in a cell are not part of the SKU: ' FF-CND-SEA-8 ' is FF-CND-SEA-8
    sales = _write(tmp_path / "sales.csv", "date,sku,quantity\n2025-05-01,FF-CND-SEA-8,2\n"
                   "2025-05-02,NEW-1,3\n2025-05-03, FF-CND-SEA-8 ,1\n")
    import_files(db, [sales])
    assert _table(db, "SELECT sku FROM products ORDER BY sku") == [
        ("FF-CND-SEA-8",), ("FF-MUG-1",), ("NEW-1",)]


def test_two_spellings_of_one_new_sku_in_one_import_are_refused(db, tmp_path):
    sales = _write(tmp_path / "sales.csv", "date,sku,quantity\n2025-05-01,NEW-1,2\n"
                   "2025-05-02,new-1,3\n")
    with pytest.raises(ImportRejected) as caught:
        import_files(db, [sales])
    assert "did you mean 'NEW-1'" in str(caught.value)
