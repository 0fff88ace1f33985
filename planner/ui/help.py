"""Help ▸ User guide: the guide shipped inside the package, shown in the app (no browser needed)."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

#: the guide as shipped (a copy of docs/user-guide.md that a test keeps identical)
GUIDE = ("planner", "resources/user-guide.md")
#: where the guide's pictures are when running from the sources (a wheel carries none)
DOCS_DIR = Path(__file__).resolve().parents[2] / "docs"
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")


def guide_text() -> str:
    """The user guide's Markdown, read from the installed package."""
    package, name = GUIDE
    return resources.files(package).joinpath(name).read_text(encoding="utf-8")


def with_pictures_found(markdown: str, folder: Path) -> str:
    """The guide with each picture that is not in ``folder`` replaced by its caption."""
    def replace(match: re.Match[str]) -> str:
        if (folder / match.group(2)).is_file():
            return match.group(0)
        return f"*(Picture: {match.group(1)})*"

    return _IMAGE.sub(replace, markdown)


def heading_slug(text: str) -> str:
    """The anchor a Markdown heading gets on GitHub ("Start with the demo" -> start-with-the-demo)."""
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


class GuideDialog(QDialog):
    """The user guide, rendered from its Markdown, with links to the web opened outside."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("user_guide")
        self.setWindowTitle("Planner user guide")
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setObjectName("guide_text")
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self.follow)
        self.browser.setSearchPaths([str(DOCS_DIR)])
        self.browser.setMarkdown(with_pictures_found(guide_text(), DOCS_DIR))
        layout.addWidget(self.browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        screen = self.screen().availableGeometry() if self.screen() else None
        width = min(900, screen.width() - 80) if screen else 900
        height = min(1000, screen.height() - 80) if screen else 700
        self.resize(width, height)

    def follow(self, url: QUrl) -> None:
        """Scroll to a heading for the guide's own links (#start-with-the-demo); open others."""
        if url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)
            return
        if url.hasFragment():
            self.scroll_to_heading(url.fragment())

    def scroll_to_heading(self, slug: str) -> bool:
        """Show the heading whose anchor is ``slug`` at the top; False when there is none."""
        document = self.browser.document()
        block = document.begin()
        while block.isValid():
            if block.blockFormat().headingLevel() > 0 and heading_slug(block.text()) == slug:
                top = document.documentLayout().blockBoundingRect(block).top()
                self.browser.verticalScrollBar().setValue(int(top))
                return True
            block = block.next()
        return False
