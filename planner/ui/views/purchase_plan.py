"""Purchase plan: suggested POs per supplier; edit quantities, see warnings, approve, export."""

from __future__ import annotations

import copy
import math
import re
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.formatting import format_amount, format_date, format_money
from planner.planning import approvable, approval_orders, break_table
from planner.ui import dialogs
from planner.ui.models import Column, FrameTableModel
from planner.ui.views.budget import BudgetSummary
from planner.ui.views.common import (
    DANGER,
    WARNING,
    PlanPage,
    fit_columns,
    legend,
    make_table,
    note,
    page_header,
)

COLUMNS = [
    Column("sku", "SKU"),
    Column("name", "Name"),
    Column("supplier_sku", "Supplier\nitem"),
    Column("suggested", "Suggested", "int", "What the plan suggests"),
    Column("quantity", "Order\nqty", "int",
           "Double-click a line or press F2 to change; Enter opens the SKU", editable=True),
    Column("warning", "Check", tooltip="MOQ and case-pack problems of a changed quantity"),
    Column("moq", "MOQ", "int"),
    Column("case_pack", "Case\npack", "int"),
    Column("unit_cost", "Unit\ncost", "money", "Landed: the supplier's price converted, with "
           "freight and duty", decimals=2),
    Column("value", "Value", "money"),
    Column("unit_cost_supplier_currency", "Their\nprice", "float",
           "The supplier's own unit price, in its currency (what its PDF shows)", decimals=2),
    Column("clears_backorder_units", "Back-\norders", "int",
           "Backordered units waiting for this line"),
    Column("why", "Why"),
]


def _first_lines(order: Any) -> str:
    """' (first lines 2026-12-10)' when some lines of a PO come before the whole PO is in."""
    first = min((line.expected_date for line in order.lines if line.expected_date),
                default=order.expected_date)
    return f" (first lines {first.isoformat()})" if first < order.expected_date else ""


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def line_warnings(quantity: np.ndarray, moq: np.ndarray, case_pack: np.ndarray,
                  suggested: np.ndarray) -> list[str]:
    """MOQ and case-pack problems of edited quantities, in words (never fixed silently)."""
    out = []
    for q, m, c, s in zip(quantity, moq, case_pack, suggested, strict=True):
        notes = []
        if q > 0 and m > 0 and q < m:
            notes.append(f"below MOQ {int(m)}")
        if q > 0 and c > 1 and q % c:
            notes.append(f"{q / c:.1f} cases of {int(c)}")
        if q != s:
            notes.append(f"was {int(s)}")
        out.append("; ".join(notes))
    return out


#: "ordering 600 instead of 312 …" in a price-break note: (with the break, without it)
_BREAK_QUANTITIES = re.compile(r"ordering ([\d,]+) instead of ([\d,]+)")
_UNLABELLED_MONEY = re.compile(r"saves ([\d,.]+) against ([\d,.]+) extra holding")


def container_fill(volume_m3: float, weight_kg: float, container_m3: float,
                   max_weight_kg: float | None) -> tuple[int, float]:
    """(containers, fill %) of a load: the tighter of volume and weight, as the plan counts."""
    need = volume_m3 / container_m3 if container_m3 else 0.0
    if max_weight_kg:
        need = max(need, weight_kg / max_weight_kg)
    containers = max(math.ceil(need - 1e-9), 1) if need > 0 else 0
    return containers, (100.0 * need / containers if containers else 0.0)


class PurchasePlanView(PlanPage):
    """Suggested purchase orders, one per supplier and order date."""

    sku_requested = Signal(str)
    #: folder, supplier (None: all), the plan with the edited quantities
    export_requested = Signal(str, object, object)

    def __init__(self, session: Any, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.suggestions: list[dict[str, Any]] = []
        self._items: list[Any] = []
        self.edits: dict[tuple[int, str], int] = {}
        #: lines a buyer's accepted offer added to a suggestion (a top-up's SKUs): the line
        self.added: dict[tuple[int, str], dict[str, Any]] = {}
        #: (suggestion row, offer id) -> "accepted" / "declined"
        self.decisions: dict[tuple[int, str], str] = {}
        self.current = -1
        layout, top, self.total = page_header(self, "Purchase plan")
        layout.addLayout(top)
        layout.addWidget(note("Quantities are rounded to MOQ and case packs by the plan. When you "
                              "change one, problems are shown in the Check column and left for "
                              "you to decide. Approving creates open POs in the workspace "
                              "(Edit ▸ Undo takes them back)."))
        self.budget = BudgetSummary()  # month by month against purchase_budget_per_month
        layout.addWidget(self.budget)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.tree = QTreeWidget()
        self.tree.setObjectName("suggestion_tree")
        self.tree.setHeaderLabels(["Supplier / order date", "Lines", "Value"])
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setMinimumWidth(250)
        self.tree.setIndentation(14)  # the order dates fit beside the lines and value
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.currentItemChanged.connect(self._on_tree_item)
        splitter.addWidget(self.tree)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        self.header = QLabel("")
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        right_layout.addWidget(self.header)
        self.container_row = QWidget()
        container_layout = QHBoxLayout(self.container_row)
        container_layout.setContentsMargins(0, 0, 0, 0)
        self.container_bar = QProgressBar()
        self.container_bar.setObjectName("container_fill")
        self.container_bar.setRange(0, 100)
        self.container_bar.setFormat("%p % full")
        self.container_bar.setFixedWidth(150)
        self.container_label = QLabel("")
        self.container_label.setObjectName("container_text")
        container_layout.addWidget(self.container_bar)
        container_layout.addWidget(self.container_label, 1)
        right_layout.addWidget(self.container_row)
        self.offers_box = QWidget()
        self.offers_box.setObjectName("plan_offers")
        self.offers_layout = QVBoxLayout(self.offers_box)
        self.offers_layout.setContentsMargins(0, 0, 0, 0)
        self.offers_layout.setSpacing(2)
        self.offers_area = QScrollArea()
        self.offers_area.setWidget(self.offers_box)
        self.offers_area.setWidgetResizable(True)
        self.offers_area.setFrameShape(QFrame.Shape.NoFrame)
        self.offers_area.setMaximumHeight(150)
        right_layout.addWidget(self.offers_area)
        self.offer_buttons: dict[str, tuple[QPushButton, QPushButton, QLabel]] = {}
        self.model = FrameTableModel(COLUMNS, self)
        self.model.foreground = self._foreground
        self.model.edited.connect(self._on_edit)
        self.table, self.proxy = make_table(self.model, parent=self)
        self.table.setObjectName("suggestion_lines")
        # a double-click anywhere on a line, or F2, edits its Order qty (the page's one edit);
        # Enter opens the line's SKU
        self.table.doubleClicked.connect(self.edit_order_qty)
        for key, act in ((Qt.Key.Key_F2, self.edit_order_qty),
                         (Qt.Key.Key_Return, self._open_current_sku),
                         (Qt.Key.Key_Enter, self._open_current_sku)):
            shortcut = QShortcut(QKeySequence(key), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(act)
        right_layout.addWidget(self.table, 1)
        right_layout.addWidget(legend((DANGER, "red: below the MOQ or not whole cases"),
                                      (WARNING, "orange: changed from the plan")))
        # the Why column is narrow on a laptop: the chosen line's reason in full
        self.line_why = note("")
        self.line_why.setObjectName("line_why")
        right_layout.addWidget(self.line_why)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_line_why())
        buttons = QHBoxLayout()
        self.approve = QPushButton("Approve this PO")
        self.approve.setObjectName("approve_po")
        self.approve.clicked.connect(lambda: self.approve_suggestions([self.current]))
        self.approve_all = QPushButton("Approve all due now")
        self.approve_all.setToolTip("Every suggested PO due now (ordered on or before today): "
                                    "the POs the 'Order now' total counts")
        self.approve_all.clicked.connect(lambda: self.approve_suggestions(self.due_now()))
        self.reset = QPushButton("Reset quantities")
        self.reset.clicked.connect(self._reset)
        self.export = QPushButton("Export PDFs…")
        self.export.setObjectName("export_pdfs")
        self.export.clicked.connect(self._export)
        for b in (self.approve, self.approve_all, self.reset):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.export)
        right_layout.addLayout(buttons)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([280, 900])  # the lines' columns fit beside it on a laptop
        layout.addWidget(splitter, 1)
        self._update_buttons()

    # --- filling ---------------------------------------------------------------------------
    def show_plan(self, plan: Any) -> None:
        self.suggestions = list(plan.purchase_suggestions)
        self.edits.clear()
        self.added.clear()
        self.decisions.clear()
        self.model.currency = str(plan.settings.get("currency", "USD"))
        self.budget.show_plan(plan)
        previous = self.current_key()
        self.tree.blockSignals(True)
        self.tree.clear()
        self._items: list[QTreeWidgetItem] = []
        groups: dict[str, QTreeWidgetItem] = {}
        currency = self.model.currency
        for i, s in enumerate(self.suggestions):
            supplier = str(s["supplier"] or "(no supplier)")
            parent = groups.get(supplier)
            if parent is None:
                parent = QTreeWidgetItem(self.tree, [supplier, "", ""])
                parent.setData(0, Qt.ItemDataRole.UserRole, -1)
                parent.setFirstColumnSpanned(False)
                groups[supplier] = parent
            now = bool(s.get("order_now"))
            item = QTreeWidgetItem(parent, [f"{'now' if now else 'later'} "
                                            f"{format_date(s['order_date'])}",
                                            str(len(s["lines"])),
                                            format_amount(s["total_value"], currency)])
            item.setData(0, Qt.ItemDataRole.UserRole, i)
            item.setToolTip(0, ("Due now: ordered at this review (order date on or before "
                                "today); the supplier's next order is a review period later. "
                                if now else
                                "Planned later: shown so you can see what is coming. ")
                            + _sentence(self._arrival_text(s)))
            if now:
                bold = item.font(0)
                bold.setBold(True)
                for column in range(3):
                    item.setFont(column, bold)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight)
            self._items.append(item)
        for supplier, parent in groups.items():
            children = [parent.child(k) for k in range(parent.childCount())]
            # a supplier without an exchange rate: unknown (—), never a crash nor 0
            value = sum(self._row_value(c.data(0, Qt.ItemDataRole.UserRole)) for c in children)
            parent.setText(1, str(len(children)))
            parent.setText(2, format_amount(value, currency))
            parent.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
            parent.setTextAlignment(2, Qt.AlignmentFlag.AlignRight)
            parent.setToolTip(0, f"{supplier}: {len(children)} suggested POs over the horizon")
        self.tree.expandAll()
        self.tree.blockSignals(False)
        self._show_total()
        if self.suggestions:
            keys = [self._key(s) for s in self.suggestions]
            row = keys.index(previous) if previous in keys else 0
            self.select(row)
        else:
            self.current = -1
            self.model.set_frame(pd.DataFrame())
            self.header.setText("Nothing to order: every SKU is covered over the horizon.")
        self._update_buttons()

    @staticmethod
    def _key(s: dict[str, Any]) -> tuple[str, str]:
        return (str(s["supplier"]), str(s["order_date"]))

    def current_key(self) -> tuple[str, str] | None:
        if 0 <= self.current < len(self.suggestions):
            return self._key(self.suggestions[self.current])
        return None

    def select(self, row: int) -> None:
        """Show one suggested PO (its row in the plan's suggestion list)."""
        if 0 <= row < len(self._items):
            self.tree.setCurrentItem(self._items[row])
            self._show_suggestion(row)

    def _on_tree_item(self, item: QTreeWidgetItem | None, _previous: Any) -> None:
        if item is None:
            return
        row = item.data(0, Qt.ItemDataRole.UserRole)
        if row is not None and row < 0 and item.childCount():
            row = item.child(0).data(0, Qt.ItemDataRole.UserRole)
        if row is not None and row >= 0 and row != self.current:
            self._show_suggestion(int(row))

    def _show_suggestion(self, row: int) -> None:
        self.current = row
        if not 0 <= row < len(self.suggestions):
            return
        lines = pd.DataFrame(self.edited_lines(row))
        products = self._products()
        lines["moq"] = lines["sku"].map(products["moq"]).fillna(0).astype(int)
        lines["case_pack"] = lines["sku"].map(products["case_pack"]).fillna(1).astype(int)
        lines["why"] = lines["sku"].map(products["why"]).fillna("")
        for column in ("supplier_sku", "clears_backorder_units", "rounding_note",
                       "unit_cost_supplier_currency"):
            if column not in lines:
                lines[column] = None
        lines["warning"] = line_warnings(lines["quantity"].to_numpy(), lines["moq"].to_numpy(),
                                         lines["case_pack"].to_numpy(),
                                         lines["suggested"].to_numpy())
        currency = str(self.suggestions[row].get("currency") or self.model.currency)
        column = self.model.column_index("unit_cost_supplier_currency")
        self.model.columns[column] = replace(self.model.columns[column],
                                             header=f"Their\nprice ({currency})")
        self.model.set_frame(lines)
        fit_columns(self.table, max_width=170)
        self.table.setColumnHidden(self.model.column_index("supplier_sku"),
                                   bool(lines["supplier_sku"].isna().all()))
        # the supplier's own price says something only when it is not the landed one
        self.table.setColumnHidden(column, currency == self.model.currency
                                   and bool(np.allclose(
                                       pd.to_numeric(lines["unit_cost"]).fillna(0),
                                       pd.to_numeric(lines["unit_cost_supplier_currency"])
                                       .fillna(0))))
        self._show_header()
        self._show_container()
        self._show_offers()
        self._show_line_why()

    def _products(self) -> pd.DataFrame:
        plan = self.session.plan
        return plan.skus.set_index("sku") if plan is not None else pd.DataFrame(
            columns=["moq", "case_pack", "why"])

    def quantity(self, row: int, sku: str) -> int:
        """A line's quantity as the buyer has it now (0 when the suggestion has no such line)."""
        if (row, sku) in self.edits:
            return int(self.edits[(row, sku)])
        for line in self.suggestions[row]["lines"]:
            if line["sku"] == sku:
                return int(line["quantity"])
        return 0

    def edited_lines(self, row: int) -> list[dict[str, Any]]:
        """A suggestion's lines with the buyer's quantities (``suggested``: the plan's), lines
        added by an accepted top-up, and unit costs at the quantity's price-break tier."""
        s = self.suggestions[row]
        lines = []
        for line in s["lines"]:
            line = dict(line, suggested=int(line["quantity"]))
            line["quantity"] = int(self.edits.get((row, line["sku"]), line["quantity"]))
            lines.append(line)
        for (r, _sku), template in self.added.items():
            if r == row:
                lines.append(dict(template, suggested=0,
                                  quantity=int(self.edits.get((r, template["sku"]), 0))))
        self._price(lines, str(s["supplier"]))
        for line in lines:
            q = float(line["quantity"])
            line["value"] = q * float(line.get("unit_cost") or 0.0)
            own = line.get("unit_cost_supplier_currency")
            line["value_supplier_currency"] = (q * float(own) if own is not None
                                               and pd.notna(own) else None)
        return lines

    def _price(self, lines: list[dict[str, Any]], supplier: str) -> None:
        """Unit costs of SKUs with price breaks follow the (edited) quantity's tier."""
        data, plan = self.session.data, self.session.plan
        breaks = getattr(data, "price_breaks", None)
        if breaks is None or breaks.empty or plan is None or not lines:
            return
        skus = np.array([line["sku"] for line in lines], dtype=object)
        unique = pd.unique(skus)  # a SKU can have two lines (a pulled-forward one)
        table = break_table(breaks, unique, np.full(len(unique), supplier, dtype=object))
        if not table.any:
            return
        rows = pd.Index(unique).get_indexer(skus)
        products = self._products()
        base = pd.Series(skus).map(products.get("unit_cost_supplier_currency",
                                                products.get("unit_cost"))).to_numpy(float)
        landed = pd.Series(skus).map(products.get("landed_unit_cost")).to_numpy(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            multiplier = np.where(base > 0, landed / base, np.nan)
        quantity = np.array([float(line["quantity"]) for line in lines])
        own = table.unit_cost_at(rows, quantity, base)
        has = np.isfinite(table.min_quantity).any(axis=1)[rows]
        for k in np.flatnonzero(has).tolist():
            lines[k]["unit_cost_supplier_currency"] = round(float(own[k]), 4)
            if np.isfinite(multiplier[k]):
                lines[k]["unit_cost"] = float(own[k]) * float(multiplier[k])

    def _show_header(self) -> None:
        s = self.suggestions[self.current]
        frame = self.model.frame
        total = float(frame["value"].sum()) if len(frame) else 0.0
        home = self.model.currency
        own_currency = str(s.get("currency") or home)
        own_total = (float(pd.to_numeric(frame["value_supplier_currency"]).sum())
                     if len(frame) and "value_supplier_currency" in frame else total)
        known = s.get("total_value") is not None or not len(s["lines"])
        text = (f"<b>{s['supplier'] or '(no supplier)'}</b> · order by "
                f"{format_date(s['order_date'])} · {self._arrival_text(s)} · ")
        if known:
            text += f"<b>{format_money(total, home)}</b> landed"
        else:
            text += (f"<span style='color:{DANGER.name()}'>no {own_currency} rate: value in "
                     f"{home} unknown</span>")
        if own_currency != home:
            text += f" ({format_money(own_total, own_currency)} at the supplier's prices)"
        minimum = self._min_order_value(s["supplier"])
        if minimum and own_total < minimum:
            text += (f" · <span style='color:{DANGER.name()}'>below the supplier's minimum "
                     f"order of {format_money(minimum, own_currency)}</span>")
        self.header.setText(text)

    def _show_line_why(self) -> None:
        """The reason of the chosen line (the first until one is chosen), in full."""
        frame = self.model.frame
        if frame.empty or "why" not in frame:
            self.line_why.setText("")
            return
        current = self.table.currentIndex()
        row = self.proxy.source_frame_row(current.row()) if current.isValid() else 0
        dock = frame.at[row, "expected_arrival"] if "expected_arrival" in frame else None
        when = (f" (at your dock {format_date(dock)}: order date + its lead time)"
                if dock is not None and not pd.isna(dock) else "")
        self.line_why.setText(f"Why {frame.at[row, 'sku']}{when}: "
                              f"{frame.at[row, 'why'] or '—'}")

    def _dock_days(self) -> int:
        plan = self.session.plan
        return int(plan.settings.get("dock_to_stock_days", 0)) if plan is not None else 0

    def _arrival_text(self, s: dict[str, Any]) -> str:
        """'at your dock 2026-12-18, sellable 2026-12-20 (2 days dock-to-stock)': the PO's
        expected date (expected_arrival) is the first, sellable_date the second."""
        at_dock, sellable = s.get("expected_arrival"), s.get("sellable_date")
        dock = self._dock_days()
        if at_dock is None or pd.isna(at_dock) or sellable is None or not dock:
            return f"arrives {format_date(at_dock)}"
        return (f"at your dock {format_date(at_dock)} (the PO's expected date), sellable "
                f"{format_date(sellable)} after {dock} days dock-to-stock")

    def _show_container(self) -> None:
        """Containers and fill of the order as edited (the plan's, until something changes)."""
        s = self.suggestions[self.current]
        cap = s.get("container_m3")
        self.container_row.setVisible(bool(cap))
        if not cap:
            return
        products = self._products()
        frame = self.model.frame
        quantity = frame["quantity"].astype(float)
        volume = float((quantity * frame["sku"].map(products.get("unit_volume_m3"))
                        .astype(float).fillna(0.0)).sum())
        weight = float((quantity * frame["sku"].map(products.get("unit_weight_kg"))
                        .astype(float).fillna(0.0)).sum())
        containers, fill = container_fill(volume, weight, float(cap), s.get("max_weight_kg"))
        self.container_bar.setValue(round(min(fill, 100.0)))
        self.container_label.setText(
            f"{containers} container{'s' if containers != 1 else ''} of {float(cap):g} m³, "
            f"{fill:.0f} % full ({volume:,.1f} m³, {weight:,.0f} kg)")

    # --- offers: price breaks and container top-up / trim ---------------------------------
    def offers(self, row: int) -> list[dict[str, Any]]:
        """What the plan offers for a suggestion and the buyer decides: a price break per line
        that has one, then the container top-up and trim. Money in the workspace currency."""
        s = self.suggestions[row]
        home = self.model.currency
        out: list[dict[str, Any]] = []
        for line in s["lines"]:
            note = str(line.get("price_break_note") or "")
            found = _BREAK_QUANTITIES.search(note)
            if not found:
                continue
            bigger, smaller = (int(found[1].replace(",", "")), int(found[2].replace(",", "")))
            worth = note.startswith("ordering")
            labelled = _UNLABELLED_MONEY.sub(
                lambda m: f"saves {home} {m[1]} against {home} {m[2]} extra holding", note)
            out.append({"id": f"break:{line['sku']}", "kind": "price_break", "sku": line["sku"],
                        "text": f"<b>Price break, {line['sku']}</b>: {labelled}"
                                + (" (the plan ordered up to it)" if worth else ""),
                        "accept": f"Order {bigger:,}", "decline": f"Order {smaller:,}",
                        "bigger": bigger, "smaller": smaller})
        for option in s.get("container_options") or []:
            kind = option["kind"]
            money = format_money(abs(float(option.get("extra_value") or 0.0)), home)
            units: dict[str, int] = {}  # a top-up may take one SKU from several later orders
            for x in option["lines"]:
                units[x["sku"]] = units.get(x["sku"], 0) + abs(int(x["quantity"]))
            listed = ", ".join(f"{q:,} × {sku}" for sku, q in list(units.items())[:4])
            if len(units) > 4:
                listed += f" and {len(units) - 4} more SKUs"
            if kind == "top_up":
                text = (f"<b>Top up</b> the last container to {option['container_fill_pct']:.0f} "
                        f"% with {listed} pulled forward from later orders: {money} more now, "
                        f"{format_money(option.get('holding_cost'), home)} holding for having "
                        "it earlier, no stockout days")
            else:
                text = (f"<b>Trim</b> to {option['containers']} container"
                        f"{'s' if option['containers'] != 1 else ''} "
                        f"({option['container_fill_pct']:.0f} % full) with {listed} fewer: "
                        f"{money} less, about {float(option.get('stockout_days') or 0):,.1f} "
                        "projected stockout days")
            out.append({"id": kind, "kind": kind, "text": text, "option": option,
                        "accept": "Accept", "decline": "Decline"})
        return out

    def offer_changes(self, row: int, offer: dict[str, Any], decision: str
                      ) -> tuple[dict[tuple[int, str], int], dict[tuple[int, str], dict]]:
        """The quantities (and added lines) that deciding an offer sets, from the page's
        quantities now."""
        quantities: dict[tuple[int, str], int] = {}
        added: dict[tuple[int, str], dict] = {}
        if offer["kind"] == "price_break":
            quantities[(row, offer["sku"])] = (offer["bigger"] if decision == "accepted"
                                               else offer["smaller"])
            return quantities, added
        if decision != "accepted":
            return quantities, added
        s = self.suggestions[row]
        own = {line["sku"] for line in s["lines"]} | {k[1] for k in self.added if k[0] == row}
        for x in offer["option"]["lines"]:
            sku, units = x["sku"], int(x["quantity"])
            quantities[(row, sku)] = max(quantities.get((row, sku), self.quantity(row, sku))
                                         + units, 0)
            if offer["kind"] != "top_up":
                continue
            later = next((r for r, t in enumerate(self.suggestions)
                          if t["supplier"] == s["supplier"]
                          and t["order_date"] == x.get("from_order_date")), None)
            if sku not in own:
                template = next((dict(line) for line in (
                    self.suggestions[later]["lines"] if later is not None else [])
                    if line["sku"] == sku), {"sku": sku})
                template.update(expected_arrival=s.get("expected_arrival"),
                                sellable_date=s.get("sellable_date"), price_break_note="",
                                pulled_forward_from=x.get("from_order_date"))
                added[(row, sku)] = template
                own.add(sku)
            if later is not None:
                key = (later, sku)
                quantities[key] = max(quantities.get(key, self.quantity(later, sku)) - units, 0)
        return quantities, added

    def decide(self, offer_id: str, decision: str) -> None:
        """Accept or decline one offer of the suggestion shown; Edit ▸ Undo takes it back."""
        from planner.ui.commands import DecidePlanOffer

        offer = next((o for o in self.offers(self.current) if o["id"] == offer_id), None)
        if offer is None:
            return
        quantities, added = self.offer_changes(self.current, offer, decision)
        verb = "Accept" if decision == "accepted" else "Decline"
        what = {"price_break": f"the price break on {offer.get('sku')}",
                "top_up": "the container top-up", "trim": "the container trim"}[offer["kind"]]
        supplier = self.suggestions[self.current]["supplier"]
        self.session.undo_stack.push(DecidePlanOffer(
            self, self.current, offer_id, decision, quantities, added,
            f"{verb} {what} for {supplier}"))

    def apply_offer_state(self, row: int, edits: dict[tuple[int, str], int | None],
                          added: dict[tuple[int, str], dict | None],
                          decision: tuple[str, str | None]) -> None:
        """Set quantities, added lines and one decision (None removes); show the result."""
        for key, value in edits.items():
            if value is None:
                self.edits.pop(key, None)
            else:
                self.edits[key] = int(value)
        for key, line in added.items():
            if line is None:
                self.added.pop(key, None)
            else:
                self.added[key] = line
        for changed in {key[0] for key in [*edits, *added]}:
            self._show_tree_value(changed)
        offer_id, state = decision
        if state is None:
            self.decisions.pop((row, offer_id), None)
        else:
            self.decisions[(row, offer_id)] = state
        if self.current != row:
            self.select(row)
        else:
            self._show_suggestion(row)

    def _show_tree_value(self, row: int) -> None:
        """A suggestion's line count and value in the tree, as the buyer has edited it."""
        if not 0 <= row < len(self._items):
            return
        lines = [line for line in self.edited_lines(row) if line["quantity"] > 0]
        item = self._items[row]
        item.setText(1, str(len(lines)))
        item.setText(2, format_amount(self._row_value(row), self.model.currency))
        parent = item.parent()
        if parent is not None:  # the supplier's sum, and the page total, follow the edit
            children = [parent.child(k).data(0, Qt.ItemDataRole.UserRole)
                        for k in range(parent.childCount())]
            parent.setText(2, format_amount(sum(self._row_value(c) for c in children),
                                            self.model.currency))
        self._show_total()

    def _row_value(self, row: int) -> float:
        """A suggestion's value: the plan's, or its edited lines' once the buyer changed it."""
        if not any(key[0] == row for key in (*self.edits, *self.added)):
            value = self.suggestions[row].get("total_value")
            known = value is not None or not self.suggestions[row].get("lines")
            return float(value or 0) if known else float("nan")  # NaN: no exchange rate
        return float(sum(line["value"] for line in self.edited_lines(row)
                         if line["quantity"] > 0))

    def _rows_total(self, rows: list[int]) -> str:
        """The rows' value; those without an exchange rate named, never added in as 0."""
        from planner.formatting import format_total

        values = [self._row_value(r) for r in rows]
        unknown = [r for r, v in zip(rows, values, strict=True) if not np.isfinite(v)]
        known = sum(v for v in values if np.isfinite(v))
        return format_total(known, self.model.currency, unknown_count=len(unknown),
                            noun="PO", unknown_currencies=[self.suggestions[r].get("currency")
                                                           for r in unknown])

    def _show_total(self) -> None:
        """Order now apart from planned later: the money due now is what a buyer acts on."""
        rows = range(len(self.suggestions))
        now = [r for r in rows if self.suggestions[r].get("order_now")]
        later = [r for r in rows if not self.suggestions[r].get("order_now")]
        self.total.setText(
            f"Order now: {len(now)} PO{'s' if len(now) != 1 else ''}, "
            f"{self._rows_total(now)} · planned later: {len(later)}, {self._rows_total(later)}")

    def _show_offers(self) -> None:
        while self.offers_layout.count():
            item = self.offers_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.offer_buttons = {}
        offers = self.offers(self.current)
        self.offers_area.setVisible(bool(offers))
        container_taken = any(self.decisions.get((self.current, o["id"])) == "accepted"
                              for o in offers if o["kind"] != "price_break")
        for offer in offers:
            state = self.decisions.get((self.current, offer["id"]))
            box = QWidget()
            layout = QHBoxLayout(box)
            layout.setContentsMargins(0, 0, 0, 0)
            label = QLabel(offer["text"])
            label.setWordWrap(True)
            label.setObjectName(f"offer_{offer['id']}")
            accept = QPushButton(offer["accept"])
            decline = QPushButton(offer["decline"])
            for button, decision in ((accept, "accepted"), (decline, "declined")):
                button.setCheckable(True)
                button.setChecked(state == decision)
                button.clicked.connect(lambda _c=False, i=offer["id"], d=decision:
                                       self.decide(i, d))
            other_taken = (container_taken and offer["kind"] != "price_break"
                           and state != "accepted")
            accept.setEnabled(not other_taken)
            if state:
                label.setText(f"{offer['text']} · <i>{state}</i>")
            layout.addWidget(label, 1)
            layout.addWidget(accept)
            layout.addWidget(decline)
            self.offers_layout.addWidget(box)
            self.offer_buttons[offer["id"]] = (accept, decline, label)
        if offers:  # about three lines per offer, then it scrolls
            line = self.fontMetrics().lineSpacing()
            self.offers_area.setFixedHeight(min(len(offers) * (3 * line + 6), 7 * line))

    def _min_order_value(self, supplier: str) -> float:
        data = self.session.data
        if data is None or supplier is None or data.suppliers.empty:
            return 0.0
        hits = data.suppliers.loc[data.suppliers["supplier"] == supplier, "min_order_value"]
        value = hits.iloc[0] if len(hits) else None
        return 0.0 if value is None or pd.isna(value) else float(value)

    # --- editing ---------------------------------------------------------------------------
    def _on_edit(self, frame_row: int, key: str, value: Any) -> None:
        if key != "quantity":
            return
        try:
            quantity = int(value)
        except (TypeError, ValueError):
            return
        if quantity < 0:
            return
        frame = self.model.frame
        sku = str(frame.at[frame_row, "sku"])
        self.edits[(self.current, sku)] = quantity
        self._show_suggestion(self.current)
        self._show_tree_value(self.current)

    def set_quantity(self, sku: str, quantity: int) -> None:
        """Change one line's order quantity of the PO shown (as a double-click edit would)."""
        hits = np.flatnonzero(self.model.frame["sku"].astype(str).to_numpy() == sku)
        if len(hits):
            self._on_edit(int(hits[0]), "quantity", quantity)

    def _reset(self) -> None:
        self.edits = {k: v for k, v in self.edits.items() if k[0] != self.current}
        self.added = {k: v for k, v in self.added.items() if k[0] != self.current}
        self.decisions = {k: v for k, v in self.decisions.items() if k[0] != self.current}
        self._show_suggestion(self.current)
        self._show_tree_value(self.current)

    def _foreground(self, row: int, key: str) -> Any:
        if key in ("warning", "quantity"):
            text = str(self.model.frame.at[row, "warning"])
            if "MOQ" in text or "cases" in text:
                return DANGER, (f"Red: {text}: the supplier may refuse or round it; change the "
                                "quantity or keep it knowingly")
            if text:
                return WARNING, f"Orange: you changed the plan's quantity ({text})"
        return None

    def due_now(self) -> list[int]:
        """The suggestions due now: the plan's ``order_now``, which the page's and the
        dashboard's "Order now" count and `planner approve` approves (planning.approvable)."""
        return approvable(self.suggestions, now=True)

    def edited_suggestions(self) -> list[dict[str, Any]]:
        """The suggestions with the buyer's quantities."""
        out = []
        for i, s in enumerate(self.suggestions):
            lines = self.edited_lines(i)
            s = copy.deepcopy(s)
            s["lines"] = [{k: v for k, v in line.items() if k != "suggested"}
                          for line in lines if line["quantity"] > 0]
            s["total_value"] = sum(line["value"] for line in s["lines"])
            if any(line.get("unit_cost") is None for line in s["lines"]):
                s["total_value"] = None  # a currency without a rate: unknown, never 0
            own = [line.get("value_supplier_currency") for line in s["lines"]]
            if all(v is not None for v in own):
                s["total_value_supplier_currency"] = round(float(sum(own)), 2)
            out.append(s)
        return out

    def approve_suggestions(self, rows: list[int]) -> None:
        """Create open POs for the given suggestions, as edited; undoable. The orders are
        planning.approval_orders' (what `planner approve` creates): ordered today, at the dock
        the lead time later by the one arrival rule."""
        from planner.ui.commands import ApprovePurchaseOrders

        plan = self.session.plan
        if plan is None:
            return
        edited = self.edited_suggestions()
        rows = [row for row in rows if 0 <= row < len(edited)]
        orders = approval_orders(edited, rows, as_of=self.session.as_of, skus=plan.skus,
                                 dock_to_stock_days=self._dock_days())
        # the values as the page shows them (workspace currency)
        values = [float(edited[row].get("total_value") or 0.0)
                  for row, order in zip(rows, orders, strict=True) if order.lines]
        orders = [o for o in orders if o.lines]
        if not orders or not dialogs.ask(self, "Approve purchase orders",
                                         self._approval_summary(orders, values),
                                         yes=f"Approve {len(orders)} PO"
                                             + ("s" if len(orders) != 1 else "")):
            return
        command = ApprovePurchaseOrders(self.session, orders)
        self.session.undo_stack.push(command)
        if command.failed is None and command.po_numbers:
            numbers = command.po_numbers
            dialogs.tell(self, "Purchase orders created",
                         f"Created {', '.join(numbers)} as open purchase orders. They are on the "
                         "Purchase orders page; Edit ▸ Undo takes them back.")

    def _approval_summary(self, orders: list[Any], values: list[float]) -> str:
        """What approving creates: per PO its supplier, lines, value and arrival; the total."""
        currency = self.session.currency
        total = sum(values)
        rows = []
        for order, value in zip(orders, values, strict=True):
            rows.append(f"• {order.supplier or 'no supplier'}: {len(order.lines)} line"
                        f"{'s' if len(order.lines) != 1 else ''}, "
                        f"{format_money(value, currency)}, expected at your dock "
                        f"{order.expected_date.isoformat()}{_first_lines(order)}")
        n = len(orders)
        return (f"Create {n} open purchase order{'s' if n != 1 else ''} worth "
                f"{format_money(total, currency)}, ordered today "
                f"({self.session.as_of.isoformat()})?\n\n" + "\n".join(rows)
                + (f"\n\nStock is sellable {self._dock_days()} days after it reaches your "
                   "dock (dock-to-stock)." if self._dock_days() else "")
                + "\n\nEdit ▸ Undo takes them back.")

    def _export(self) -> None:
        if self.session.plan is None:
            return
        start = str(self.session.path.parent) if self.session.path else ""
        folder = QFileDialog.getExistingDirectory(self, "Export purchase-plan PDFs to", start)
        if folder:
            self.export_requested.emit(folder, None, self.edited_plan())

    def edited_plan(self) -> Any:
        """The plan with the buyer's quantities (what the PDFs should carry)."""
        if self._shown_plan is not self.session.plan:
            return self.session.plan  # this page has not shown it yet: nothing was edited
        return replace(self.session.plan, purchase_suggestions=self.edited_suggestions())

    def edit_order_qty(self, index: QModelIndex | None = None) -> bool:
        """Start editing the Order qty of a line (the one at ``index``, else the current one);
        False when there is no line."""
        index = self.table.currentIndex() if index is None else index
        if not index.isValid():
            return False
        target = self.proxy.index(index.row(), self.model.column_index("quantity"))
        if self.table.state() == QAbstractItemView.State.EditingState and \
                self.table.currentIndex() == target:
            return True  # a double-click on Order qty is already editing it
        self.table.setCurrentIndex(target)
        self.table.edit(target)
        return True

    def _open_current_sku(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            row = self.proxy.source_frame_row(index.row())
            self.sku_requested.emit(str(self.model.frame.at[row, "sku"]))

    def _update_buttons(self) -> None:
        has = bool(self.suggestions)
        for b in (self.approve, self.approve_all, self.reset, self.export):
            b.setEnabled(has)
