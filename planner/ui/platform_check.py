"""Before the app creates its window: are the system libraries Qt's X11 (xcb) plugin needs there?

Without them Qt prints a misleading hint and aborts the process (exit 134). This check names the
missing libraries and the Debian/Ubuntu packages that provide them, in one line, and exits 1.
It imports no Qt and loads only the system libraries Qt would load anyway.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Iterable, Mapping

#: what PySide6's plugins/platforms/libqxcb.so and lib/libQt6XcbQpa.so.6 link against (their
#: DT_NEEDED entries, less libc, libm, libstdc++ and libgcc_s), with the Debian/Ubuntu package
#: that ships each
XCB_PLUGIN_LIBRARIES: dict[str, str] = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libGL.so.1": "libgl1",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
}

#: exit status when the window cannot be opened for want of system libraries
EXIT_MISSING_LIBRARIES = 1


def uses_xcb(environ: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Whether Qt will open its window through the xcb (X11) plugin."""
    if not platform.startswith("linux"):
        return False
    requested = environ.get("QT_QPA_PLATFORM", "").strip()
    if requested:
        return requested.split(";")[0].strip().split(":")[0] == "xcb"
    wayland_session = (environ.get("XDG_SESSION_TYPE") == "wayland"
                       or bool(environ.get("WAYLAND_DISPLAY")))
    return not wayland_session


def can_load(soname: str) -> bool:
    """Whether the dynamic loader finds (and can load) the shared library ``soname``."""
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_libraries(sonames: Iterable[str] = XCB_PLUGIN_LIBRARIES,
                      probe: Callable[[str], bool] = can_load) -> list[str]:
    """The sonames among ``sonames`` that ``probe`` cannot load, in the order given."""
    return [soname for soname in sonames if not probe(soname)]


def packages_for(sonames: Iterable[str]) -> list[str]:
    """The Debian/Ubuntu packages that ship ``sonames``, each once, in the order given."""
    return list(dict.fromkeys(XCB_PLUGIN_LIBRARIES[soname] for soname in sonames))


def missing_libraries_message(sonames: list[str]) -> str:
    """The one line that tells the user what is missing and how to install it."""
    packages = " ".join(packages_for(sonames))
    return (f"Planner's window needs system libraries that are missing ({', '.join(sonames)}); "
            f"on Debian/Ubuntu install them with: sudo apt-get install {packages}")


def window_libraries_problem(environ: Mapping[str, str] | None = None,
                             platform: str = sys.platform,
                             probe: Callable[[str], bool] = can_load) -> str | None:
    """The message to print when Qt's window plugin would fail to load, else None."""
    if not uses_xcb(os.environ if environ is None else environ, platform):
        return None
    missing = missing_libraries(probe=probe)
    return missing_libraries_message(missing) if missing else None


def exit_if_window_libraries_missing(environ: Mapping[str, str] | None = None,
                                     platform: str = sys.platform,
                                     probe: Callable[[str], bool] = can_load) -> None:
    """Print the one-line explanation and exit 1 when the xcb plugin's libraries are missing."""
    problem = window_libraries_problem(environ, platform, probe)
    if problem:
        print(problem, file=sys.stderr, flush=True)
        raise SystemExit(EXIT_MISSING_LIBRARIES)
