"""Render the app's icon sizes and the in-app user guide from their sources.

    python packaging/build_assets.py            # write everything
    python packaging/build_assets.py --check    # exit 1 if a generated file is out of date

Sources: resources/planner.svg and docs/user-guide.md. Outputs (all committed, so a wheel and a
frozen build need no extra tools): resources/icons/planner-<N>.png (16 … 1024),
resources/planner.ico, resources/planner.icns, planner/resources/planner.svg and planner.png (the
running app's window icon) and planner/resources/user-guide.html (Help ▸ User guide).
Qt draws the SVG (no cairo or librsvg needed); Pillow writes the ICO and ICNS containers.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "resources" / "planner.svg"
GUIDE = ROOT / "docs" / "user-guide.md"
ICON_DIR = ROOT / "resources" / "icons"
PACKAGE_RESOURCES = ROOT / "planner" / "resources"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)

GUIDE_CSS = """
body { font-family: sans-serif; max-width: 52em; margin: 2em auto; line-height: 1.45; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 3px 8px; }
pre, code { background: #f4f4f4; }
"""


def render_png(size: int) -> bytes:
    """The icon drawn by Qt's SVG renderer at size × size, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SVG))
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data())


def guide_html() -> str:
    """docs/user-guide.md as a standalone HTML page (Qt's Markdown reader, GitHub dialect)."""
    from PySide6.QtGui import QTextDocument

    document = QTextDocument()
    document.setMarkdown(GUIDE.read_text(encoding="utf-8"),
                         QTextDocument.MarkdownFeature.MarkdownDialectGitHub)
    html = document.toHtml()
    return html.replace("</head>", f"<style>{GUIDE_CSS}</style></head>", 1)


def outputs() -> dict[Path, bytes]:
    """Every generated file and its content."""
    from PIL import Image

    pngs = {size: render_png(size) for size in PNG_SIZES}
    files: dict[Path, bytes] = {ICON_DIR / f"planner-{s}.png": data for s, data in pngs.items()}
    images = {s: Image.open(io.BytesIO(data)).convert("RGBA") for s, data in pngs.items()}

    ico = io.BytesIO()
    images[256].save(ico, format="ICO", sizes=[(s, s) for s in ICO_SIZES],
                     append_images=[images[s] for s in ICO_SIZES if s != 256])
    files[ROOT / "resources" / "planner.ico"] = ico.getvalue()

    icns = io.BytesIO()
    images[1024].save(icns, format="ICNS",
                      append_images=[images[s] for s in (16, 32, 64, 128, 256, 512)])
    files[ROOT / "resources" / "planner.icns"] = icns.getvalue()

    files[PACKAGE_RESOURCES / "planner.svg"] = SVG.read_bytes()
    files[PACKAGE_RESOURCES / "planner.png"] = pngs[256]
    if GUIDE.exists():
        files[PACKAGE_RESOURCES / "user-guide.html"] = guide_html().encode("utf-8")
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only report generated files that differ from their sources")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - keeps Qt up
    stale = []
    files = outputs()
    for path, data in files.items():
        # PNG/ICO/ICNS bytes can differ between Qt/Pillow versions: check that those exist only.
        exact = path.suffix in {".svg", ".html"}
        current = path.read_bytes() if path.exists() else None
        if current is None or (exact and current != data):
            stale.append(path)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    if args.check:
        for path in stale:
            print(f"out of date: {path.relative_to(ROOT)}")
        return 1 if stale else 0
    print(f"wrote {len(files)} files under resources/ and planner/resources/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
