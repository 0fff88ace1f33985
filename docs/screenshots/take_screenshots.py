"""Take the screenshots in docs/screenshots/ from a fresh demo workspace.

    python docs/screenshots/take_screenshots.py [--out DIR] [--skus N] [--as-of YYYY-MM-DD]

Every page, the SKU detail, what-if, import errors, settings and the user guide at 1280x720 (the
README's names: dashboard.png, ...) and 1920x1080 (dashboard_1920x1080.png, ...), plus a dark-mode
dashboard and a new workspace's first-run checklist (first_run*.png). Runs headless (Qt's
offscreen platform) unless QT_QPA_PLATFORM says otherwise (xcb under Xvfb for a real window);
each PNG is palette-quantised to stay small.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QSettings, QTimer  # noqa: E402
from PySide6.QtGui import QColor, QImage, QPalette  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402


def spin(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for(condition, timeout_s: float = 120) -> None:
    waited = 0.0
    while not condition():
        spin(50)
        waited += 0.05
        if waited > timeout_s:
            raise TimeoutError("the app did not get there in time")


def idle() -> bool:
    """No background work and no chart being drawn."""
    from planner.ui.charts import chart_tasks

    app = QApplication.instance()
    windows = [w for w in app.topLevelWidgets() if hasattr(w, "tasks")]
    return not chart_tasks().busy and not any(w.tasks.busy for w in windows)


def save(widget: QWidget, path: Path) -> None:
    """Wait for the page to settle (charts drawn at their final size), grab, write a PNG."""
    from PIL import Image

    spin(300)  # resize-triggered redraws start after 120 ms
    wait_for(idle)
    spin(100)
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    raw = Image.frombuffer("RGB", (image.width(), image.height()), bytes(image.constBits()),
                           "raw", "RGB", image.bytesPerLine())
    raw.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        path, optimize=True)
    print(f"{path.name}: {path.stat().st_size // 1024} KB")


def dark_palette() -> QPalette:
    p = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#202124", QPalette.ColorRole.WindowText: "#e8eaed",
        QPalette.ColorRole.Base: "#2b2c30", QPalette.ColorRole.AlternateBase: "#323338",
        QPalette.ColorRole.Text: "#e8eaed", QPalette.ColorRole.Button: "#303134",
        QPalette.ColorRole.ButtonText: "#e8eaed", QPalette.ColorRole.Highlight: "#3b82f6",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.PlaceholderText: "#9aa0a6",
        QPalette.ColorRole.ToolTipBase: "#303134", QPalette.ColorRole.ToolTipText: "#e8eaed",
        QPalette.ColorRole.Mid: "#5f6368", QPalette.ColorRole.Light: "#3c4043",
        QPalette.ColorRole.Dark: "#17181a", QPalette.ColorRole.Midlight: "#35363a",
    }
    for role, colour in colours.items():
        p.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText,
                 QPalette.ColorRole.Text):  # disabled actions (Undo with nothing to undo) look it
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6b6f75"))
    return p


#: the window sizes every page is taken at: a laptop (the README's pictures) and a desktop
SIZES = [(1280, 720), (1920, 1080)]


def shot_name(name: str, size: tuple[int, int]) -> str:
    """The README's file names at the laptop size; the size in the name for the others."""
    return f"{name}.png" if size == SIZES[0] else f"{name}_{size[0]}x{size[1]}.png"


def take_pages(window, out: Path, size: tuple[int, int], scratch: Path, first: bool) -> None:
    """Every page of the window (and the settings and user-guide dialogs) at one window size."""
    from planner.ui.main_window import PAGES

    session = window.session
    plan = session.plan
    window.resize(*size)
    spin(200)
    for page_id, _label in PAGES:
        if page_id in ("import",):
            continue  # shown below with a file that has mistakes
        window.show_page(page_id)
        if page_id == "purchase_plan" and first:
            plan_page = window.pages["purchase_plan"]
            packed = plan_page.model.frame[plan_page.model.frame["case_pack"] > 1]
            if len(packed):  # what a changed quantity that breaks the case pack looks like
                plan_page.set_quantity(str(packed["sku"].iloc[0]),
                                       int(packed["quantity"].iloc[0]) + 1)
        wait_for(lambda: not window.tasks.busy)
        save(window, out / shot_name(page_id, size))

    lines = plan.backorder_lines
    open_po = plan.open_po_lines
    stocked = set(plan.skus.loc[~plan.skus["made_to_order"].astype(bool), "sku"])
    candidates = [s for s in lines["sku"].value_counts().index
                  if s in set(open_po["sku"]) and s in stocked]
    sku = candidates[0] if candidates else str(plan.skus["sku"].iloc[0])
    window.open_sku(sku)
    save(window, out / shot_name("sku_detail", size))

    filled = lines.dropna(subset=["projected_ship_date"])
    filled = filled[~filled["filled_from"].isin(["on_hand", "hold"])]
    po_number = (str(filled["filled_from"].iloc[0]) if len(filled)
                 else str(open_po["po_number"].iloc[0]))
    po_sku = str(filled["sku"].iloc[0]) if len(filled) else ""
    window.open_what_if(po_number, po_sku)
    window.pages["what_if"].shift(14)
    spin(300)
    save(window, out / shot_name("what_if", size))

    bad = scratch / "products-with-mistakes.csv"
    bad.write_text("sku,name,unit_cost,moq,made_to_order\nNW-NEW-1,New mug,abc,10,false\n"
                   "NW-NEW-2,Another mug,4.50,-5,maybe\n,Nameless,3.00,1,false\n",
                   encoding="utf-8")
    window.show_page("import")
    window.pages["import"].clear()
    window.pages["import"].add_files([str(bad)])
    wait_for(lambda: not window.tasks.busy)
    window.pages["import"].run_import()
    wait_for(lambda: not window.tasks.busy)
    save(window, out / shot_name("import_errors", size))

    from planner.ui.views.settings_dialog import SettingsDialog

    dialog = SettingsDialog(session, window)
    dialog.show()
    save(dialog, out / shot_name("settings", size))
    dialog.close()

    window.on_user_guide()
    window.guide.resize(min(900, size[0] - 80), size[1] - 80)
    save(window.guide, out / shot_name("user_guide", size))
    window.guide.close()


def take_first_run(window, out: Path, scratch: Path) -> None:
    """The dashboard of a new, empty workspace (the import checklist) at every size."""
    empty = scratch / "new-workspace.db"
    window.open_workspace(empty)
    wait_for(lambda: window.session.path is not None and window.session.path.name == empty.name
             and not window.tasks.busy)
    window.show_page("dashboard")
    for size in SIZES:
        window.resize(*size)
        save(window, out / shot_name("first_run", size))


def parse_args(argv: list[str] | None, description: str) -> argparse.Namespace:
    """The screenshot scripts' options: where to write, the demo's size and its as-of date."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent))
    parser.add_argument("--skus", type=int, default=60)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None)
    return parser.parse_args(argv)


def demo_window(args: argparse.Namespace, size: tuple[int, int]) -> tuple[Any, Any, Path, Path]:
    """(app, main window on a fresh demo workspace, its scratch folder, the workspace), planned."""
    scratch = Path(tempfile.mkdtemp(prefix="planner-shots-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(scratch / "qt"))
    os.environ["PLANNER_DATA_DIR"] = str(scratch / "data")

    from planner import clock
    from planner.demo import write_demo
    from planner.store import open_workspace
    from planner.ui import errors
    from planner.ui.app import application
    from planner.ui.main_window import MainWindow

    errors.modal_dialogs = False
    as_of = args.as_of or clock.today()
    workspace = scratch / "demo.db"
    db = open_workspace(workspace)
    write_demo(db, skus=args.skus, seed=7, as_of=as_of)
    db.conn.close()

    app = application()
    app.setStyle("Fusion")
    window = MainWindow(as_of=as_of)
    window.resize(*size)
    window.show()
    window.open_workspace(workspace)
    wait_for(lambda: window.session.plan is not None and not window.tasks.busy)
    return app, window, scratch, workspace


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv, __doc__.splitlines()[0])
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app, window, scratch, workspace = demo_window(args, SIZES[0])

    for i, size in enumerate(SIZES):
        take_pages(window, out, size, scratch, first=i == 0)

    app.setPalette(dark_palette())
    window.resize(*SIZES[0])
    window.show_page("dashboard")
    window.pages["dashboard"].show_plan(window.session.plan)
    save(window, out / "dashboard_dark.png")
    app.setPalette(app.style().standardPalette())
    take_first_run(window, out, scratch)
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
