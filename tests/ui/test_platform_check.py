"""Before the window opens: missing X11 libraries are named in one line, not a Qt abort."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import PySide6
import pytest

from planner.ui import platform_check
from planner.ui.platform_check import (
    XCB_PLUGIN_LIBRARIES,
    missing_libraries,
    uses_xcb,
    window_libraries_problem,
)

QT_DIR = Path(PySide6.__file__).resolve().parent / "Qt"
XCB_PLUGIN_FILES = [QT_DIR / "plugins" / "platforms" / "libqxcb.so", QT_DIR / "lib" / "libQt6XcbQpa.so.6"]
#: what every Linux process has, and what PySide6 ships itself
# (parts of libc6 itself, present on every system: older Qt builds name libdl and libpthread)
NOT_SYSTEM = ("libc.so", "libm.so", "libstdc++.so", "libgcc_s.so", "ld-linux", "libQt6", "libicu",
              "libdl.so", "libpthread.so", "librt.so")

X11_DESKTOP = {"DISPLAY": ":0"}


def fresh_debian(soname: str) -> bool:
    """A bare Debian desktop as issue 12 found it: these two libraries are not installed."""
    return soname not in ("libxcb-icccm.so.4", "libxcb-keysyms.so.1")


def test_a_fresh_debian_machine_is_told_the_packages_and_the_apt_line():
    problem = window_libraries_problem(X11_DESKTOP, "linux", probe=fresh_debian)

    assert problem is not None and "\n" not in problem
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1" in problem
    assert problem.endswith("install them with: sudo apt-get install libxcb-icccm4 libxcb-keysyms1")


def test_a_package_that_ships_two_missing_libraries_is_named_once():
    problem = window_libraries_problem(
        X11_DESKTOP, "linux", probe=lambda soname: not soname.startswith(("libglib", "libgthread")))

    assert problem is not None
    assert problem.endswith("sudo apt-get install libglib2.0-0")


def test_nothing_is_said_when_every_library_loads():
    assert window_libraries_problem(X11_DESKTOP, "linux", probe=lambda soname: True) is None


@pytest.mark.parametrize(("environ", "platform", "expected"), [
    ({"DISPLAY": ":0"}, "linux", True),
    ({}, "linux", True),
    ({"QT_QPA_PLATFORM": "xcb"}, "linux", True),
    ({"QT_QPA_PLATFORM": "xcb:nograb"}, "linux", True),
    ({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"}, "linux", False),
    ({"QT_QPA_PLATFORM": "wayland;xcb"}, "linux", False),
    ({"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, "linux", False),
    ({"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
    ({"DISPLAY": ":0"}, "darwin", False),
    ({}, "win32", False),
])
def test_the_check_runs_only_where_qt_opens_its_window_through_xcb(environ, platform, expected):
    assert uses_xcb(environ, platform) is expected


def test_offscreen_and_other_systems_are_never_checked():
    def nothing_loads(soname: str) -> bool:
        return False

    assert window_libraries_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux", nothing_loads) is None
    assert window_libraries_problem({}, "darwin", nothing_loads) is None


def test_the_app_exits_1_with_the_one_line(capsys):
    with pytest.raises(SystemExit) as exited:
        platform_check.exit_if_window_libraries_missing({"QT_QPA_PLATFORM": "xcb"}, "linux",
                                                        fresh_debian)

    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "sudo apt-get install libxcb-icccm4 libxcb-keysyms1" in err


def test_the_loader_probe_finds_real_libraries_and_not_made_up_ones():
    assert platform_check.can_load("libc.so.6")
    assert not platform_check.can_load("libplanner-no-such-library.so.7")
    assert missing_libraries(["libc.so.6", "libplanner-no-such-library.so.7"]) == [
        "libplanner-no-such-library.so.7"]


@pytest.mark.skipif(not shutil.which("readelf"), reason="readelf (binutils) is not installed")
@pytest.mark.skipif(not XCB_PLUGIN_FILES[0].exists(), reason="this PySide6 has no xcb plugin")
def test_every_system_library_the_xcb_plugin_links_against_has_its_package():
    needed = set()
    for plugin_file in XCB_PLUGIN_FILES:
        dynamic = subprocess.run(["readelf", "-d", str(plugin_file)], capture_output=True, text=True,
                                 check=True).stdout
        needed |= {line.split("[", 1)[1].rstrip("]") for line in dynamic.splitlines()
                   if "(NEEDED)" in line}
    system = {soname for soname in needed if not soname.startswith(NOT_SYSTEM)}

    assert system, "readelf found no NEEDED entries"
    unknown = sorted(system - set(XCB_PLUGIN_LIBRARIES))
    assert not unknown, f"the xcb plugin needs libraries the check does not know: {unknown}"
