"""The settings dialog is drawn from the settings' declarations (planner/store/settings.py)."""

from __future__ import annotations

import pytest

from planner.store.settings import SETTINGS
from tests.ui.conftest import open_and_wait


@pytest.fixture
def dialog(window, workspace_path, qtbot):
    """The settings dialog of a new workspace (every setting at its default)."""
    from planner.ui.views.settings_dialog import SettingsDialog

    open_and_wait(qtbot, window, workspace_path)
    dialog = SettingsDialog(window.session, window)
    qtbot.addWidget(dialog)
    return dialog


def test_every_setting_is_offered_with_its_declared_label_range_and_choices(dialog):
    assert set(dialog.editors) == set(SETTINGS)
    # days within their declared limits; a share as a percentage below its excluded maximum
    horizon = dialog.editors["horizon_days"]
    assert (horizon.minimum(), horizon.maximum(), horizon.suffix()) == (7, 1095, " days")
    service = dialog.editors["service_level"]
    assert (service.minimum(), service.maximum()) == (50.0, 99.9)
    assert service.text() == "95.0 %"
    assert dialog.editors["holding_cost_rate"].maximum() == 500.0
    # the service level's meaning in words, stored as the setting's own value
    kinds = dialog.editors["service_level_type"]
    assert [kinds.itemText(i) for i in range(kinds.count())] == [
        "cycle service level (chance of no stockout per order cycle)",
        "fill rate (share of demand shipped from stock)"]
    dialog.set_value("service_level_type", "fill_rate")
    assert dialog.changed() == {"service_level_type": "fill_rate"}


def test_a_spin_box_cannot_go_past_the_declared_range(dialog):
    dialog.set_value("horizon_days", 5000)
    dialog.set_value("service_level", 1.0)
    assert dialog.changed() == {"horizon_days": 1095, "service_level": 0.999}
