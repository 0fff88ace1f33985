"""Which errors a user can fix is decided by type (planner.errors.UserError), never by a class's
name (issue 26: the app's list named a ReportError that does not exist and missed
UnreadableFile and UnknownSupplierError, shown as "Something unexpected went wrong")."""

from __future__ import annotations

import pytest


def _user_errors():
    from planner.cli import CliError
    from planner.clock import DateOutOfRange
    from planner.errors import InputError
    from planner.exports import OutputError
    from planner.reports.export import UnknownSupplierError
    from planner.store.backup import BackupError
    from planner.store.importers import ImportRejected
    from planner.store.importers.guards import HostileFile
    from planner.store.importers.kinds import KindError
    from planner.store.importers.reading import UnreadableFile
    from planner.store.settings import SettingError
    from planner.store.workspace import WorkspaceDamaged, WorkspaceError, WorkspaceLocked

    return [CliError("x"), DateOutOfRange("x"), InputError("x"), OutputError("x"),
            UnknownSupplierError("x"), BackupError("x"), ImportRejected([]), HostileFile("x"),
            KindError("x"), UnreadableFile("x"), SettingError("x"), WorkspaceDamaged("x"),
            WorkspaceError("x"), WorkspaceLocked("x")]


@pytest.mark.parametrize("index", range(14))
def test_every_error_a_user_can_fix_is_a_user_error_and_shown_as_its_message(index):
    from planner.errors import UserError
    from planner.ui.errors import describe

    error = _user_errors()[index]
    assert isinstance(error, UserError)
    if str(error):
        assert describe(error) == str(error)


def test_an_unknown_supplier_and_an_unreadable_file_are_their_message_not_a_bug():
    from planner.reports.export import UnknownSupplierError
    from planner.store.importers.reading import UnreadableFile
    from planner.ui.errors import describe

    assert describe(UnknownSupplierError("no supplier 'Acme'; the suppliers are: B, C")) == (
        "no supplier 'Acme'; the suppliers are: B, C")
    assert describe(UnreadableFile("the file is empty")) == "the file is empty"
    assert describe(ValueError("cannot convert 'x'")).startswith("Something unexpected")


def test_the_cli_lets_a_bug_through_and_exits_2_for_a_user_error(tmp_path, monkeypatch, capsys):
    import planner.store.importers as importers
    from planner.cli import main

    data = tmp_path / "sales.csv"
    data.write_text("date,sku,quantity\n2025-01-01,A,1\n")

    def bug(*_args, **_kwargs):
        raise ValueError("a bug in the importer")

    monkeypatch.setattr(importers, "import_files", bug)
    with pytest.raises(ValueError, match="a bug in the importer"):
        main(["import", str(tmp_path / "shop.db"), str(data)])
    monkeypatch.undo()
    assert main(["import", str(tmp_path / "shop.db"), str(data), "--kind", "orders"]) == 2
    assert "the kinds are" in capsys.readouterr().err
