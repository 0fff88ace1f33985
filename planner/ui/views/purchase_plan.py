"""Purchase plan: suggested POs per supplier; edit quantities, see warnings, approve, export."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.formatting import format_amount, format_date, format_money
from planner.ui import dialogs
from planner.ui.models import Column, FrameTableModel
from planner.ui.views.common import (
    DANGER,
    WARNING,
    PlanPage,
    fit_columns,
    make_table,
    note,
    page_header,
)

COLUMNS = [
    Column("sku", "SKU"),
    Column("name", "Name"),
    Column("supplier_sku", "Supplier\nitem"),
    Column("suggested", "Suggested", "int", "What the plan suggests"),
    Column("quantity", "Order\nqty", "int", "Double-click to change", editable=True),
    Column("warning", "Check", tooltip="MOQ and case-pack problems of a changed quantity"),
    Column("moq", "MOQ", "int"),
    Column("case_pack", "Case\npack", "int"),
    Column("unit_cost", "Unit\ncost", "money", decimals=2),
    Column("value", "Value", "money"),
    Column("clears_backorder_units", "Clears\nbackorders", "int",
           "Backordered units waiting for this line"),
    Column("why", "Why"),
]


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
        self.current = -1
        layout, top, self.total = page_header(self, "Purchase plan")
        layout.addLayout(top)
        layout.addWidget(note("Quantities are rounded to MOQ and case packs by the plan. When you "
                              "change one, problems are shown in the Check column and left for "
                              "you to decide. Approving creates open POs in the workspace "
                              "(Edit ▸ Undo takes them back)."))

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.tree = QTreeWidget()
        self.tree.setObjectName("suggestion_tree")
        self.tree.setHeaderLabels(["Supplier / order date", "Lines", "Value"])
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setMinimumWidth(300)
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
        self.model = FrameTableModel(COLUMNS, self)
        self.model.foreground = self._foreground
        self.model.edited.connect(self._on_edit)
        self.table, self.proxy = make_table(self.model, parent=self)
        self.table.setObjectName("suggestion_lines")
        self.table.doubleClicked.connect(self._maybe_open_sku)
        right_layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.approve = QPushButton("Approve this PO")
        self.approve.setObjectName("approve_po")
        self.approve.clicked.connect(lambda: self.approve_suggestions([self.current]))
        self.approve_all = QPushButton("Approve all due now")
        self.approve_all.setToolTip("Every suggested PO whose order date has come")
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
        splitter.setSizes([330, 900])
        layout.addWidget(splitter, 1)
        self._update_buttons()

    # --- filling ---------------------------------------------------------------------------
    def show_plan(self, plan: Any) -> None:
        self.suggestions = list(plan.purchase_suggestions)
        self.edits.clear()
        self.model.currency = str(plan.settings.get("currency", "USD"))
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
            item = QTreeWidgetItem(parent, [f"order {format_date(s['order_date'])}",
                                            str(len(s["lines"])),
                                            format_amount(s["total_value"], currency)])
            item.setData(0, Qt.ItemDataRole.UserRole, i)
            item.setToolTip(0, f"Arrives {format_date(s.get('expected_arrival'))}")
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight)
            self._items.append(item)
        for supplier, parent in groups.items():
            children = [parent.child(k) for k in range(parent.childCount())]
            value = sum(float(self.suggestions[c.data(0, Qt.ItemDataRole.UserRole)]["total_value"])
                        for c in children)
            parent.setText(1, str(len(children)))
            parent.setText(2, format_amount(value, currency))
            parent.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
            parent.setTextAlignment(2, Qt.AlignmentFlag.AlignRight)
            parent.setToolTip(0, f"{supplier}: {len(children)} suggested POs over the horizon")
        self.tree.expandAll()
        self.tree.blockSignals(False)
        total = sum(float(s.get("total_value", 0)) for s in self.suggestions)
        self.total.setText(f"{len(self.suggestions)} suggested POs from {len(groups)} suppliers · "
                           f"{format_money(total, currency)}")
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
        s = self.suggestions[row]
        lines = pd.DataFrame(s["lines"])
        products = self._products()
        lines["suggested"] = lines["quantity"].astype(int)
        lines["quantity"] = [self.edits.get((row, sku), q) for sku, q in
                             zip(lines["sku"], lines["suggested"], strict=True)]
        lines["moq"] = lines["sku"].map(products["moq"]).fillna(0).astype(int)
        lines["case_pack"] = lines["sku"].map(products["case_pack"]).fillna(1).astype(int)
        lines["why"] = lines["sku"].map(products["why"]).fillna("")
        for column in ("supplier_sku", "clears_backorder_units", "rounding_note"):
            if column not in lines:
                lines[column] = None
        self._recompute(lines)
        self.model.set_frame(lines)
        fit_columns(self.table, max_width=170)
        self.table.setColumnHidden(self.model.column_index("supplier_sku"),
                                   bool(lines["supplier_sku"].isna().all()))
        self._show_header()

    def _products(self) -> pd.DataFrame:
        plan = self.session.plan
        return plan.skus.set_index("sku") if plan is not None else pd.DataFrame(
            columns=["moq", "case_pack", "why"])

    def _recompute(self, lines: pd.DataFrame) -> None:
        q = lines["quantity"].astype(int).to_numpy()
        lines["value"] = q * lines["unit_cost"].astype(float).fillna(0).to_numpy()
        lines["warning"] = line_warnings(q, lines["moq"].to_numpy(), lines["case_pack"].to_numpy(),
                                         lines["suggested"].to_numpy())

    def _show_header(self) -> None:
        s = self.suggestions[self.current]
        frame = self.model.frame
        total = float(frame["value"].sum()) if len(frame) else 0.0
        text = (f"<b>{s['supplier'] or '(no supplier)'}</b> · order by "
                f"{format_date(s['order_date'])} · expected "
                f"{format_date(s.get('expected_arrival'))} · "
                f"<b>{format_money(total, self.model.currency)}</b>")
        minimum = self._min_order_value(s["supplier"])
        if minimum and total < minimum:
            text += (f" · <span style='color:{DANGER.name()}'>below the supplier's minimum "
                     f"order of {format_money(minimum, self.model.currency)}</span>")
        self.header.setText(text)

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
        frame.at[frame_row, "quantity"] = quantity
        self._recompute(frame)
        self.model.set_frame(frame)
        fit_columns(self.table, max_width=170)
        self._show_header()

    def set_quantity(self, sku: str, quantity: int) -> None:
        """Change one line's order quantity of the PO shown (as a double-click edit would)."""
        hits = np.flatnonzero(self.model.frame["sku"].astype(str).to_numpy() == sku)
        if len(hits):
            self._on_edit(int(hits[0]), "quantity", quantity)

    def _reset(self) -> None:
        self.edits = {k: v for k, v in self.edits.items() if k[0] != self.current}
        self._show_suggestion(self.current)

    def _foreground(self, row: int, key: str) -> Any:
        if key in ("warning", "quantity"):
            text = str(self.model.frame.at[row, "warning"])
            if "MOQ" in text or "cases" in text:
                return DANGER
            if text:
                return WARNING
        return None

    def due_now(self) -> list[int]:
        """The suggestions to order today (order date not after the as-of date)."""
        as_of = self.session.as_of
        return [i for i, s in enumerate(self.suggestions)
                if pd.Timestamp(s["order_date"]).date() <= as_of]

    def edited_suggestions(self) -> list[dict[str, Any]]:
        """The suggestions with the buyer's quantities."""
        out = []
        for i, s in enumerate(self.suggestions):
            s = copy.deepcopy(s)
            for line in s["lines"]:
                q = self.edits.get((i, line["sku"]), line["quantity"])
                line["quantity"] = int(q)
                line["value"] = float(q) * float(line.get("unit_cost") or 0.0)
            s["lines"] = [line for line in s["lines"] if line["quantity"] > 0]
            s["total_value"] = sum(line["value"] for line in s["lines"])
            out.append(s)
        return out

    def approve_suggestions(self, rows: list[int]) -> None:
        """Create open POs for the given suggestions, as edited; undoable."""
        from planner.ui.commands import ApprovedLine, ApprovedOrder, ApprovePurchaseOrders

        plan = self.session.plan
        if plan is None:
            return
        edited = self.edited_suggestions()
        as_of = self.session.as_of
        orders = []
        dock = dt.timedelta(days=int(plan.settings.get("dock_to_stock_days", 0)))
        values: list[float] = []  # as the page shows them (workspace currency)
        for row in rows:
            if not 0 <= row < len(edited):
                continue
            s = edited[row]
            suggested_on = pd.Timestamp(s["order_date"]).date()

            def due(arrival: Any, suggested_on: dt.date = suggested_on) -> dt.date:
                # approving places the order today: same lead time, minus dock-to-stock
                # (the plan's arrival is when stock becomes sellable)
                return as_of + (pd.Timestamp(arrival).date() - suggested_on) - dock

            # a PO carries the supplier's own price (the plan's unit_cost is landed)
            lines = [ApprovedLine(line["sku"], int(line["quantity"]),
                                  line.get("unit_cost_supplier_currency", line.get("unit_cost")),
                                  due(line.get("expected_arrival") or s["expected_arrival"]))
                     for line in s["lines"]]
            orders.append(ApprovedOrder(supplier=s["supplier"], order_date=as_of,
                                        expected_date=due(s["expected_arrival"]), lines=lines))
            values.append(float(s.get("total_value") or 0.0))
        values = [v for v, o in zip(values, orders, strict=True) if o.lines]
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
                        f"{format_money(value, currency)}, due {order.expected_date.isoformat()}")
        n = len(orders)
        return (f"Create {n} open purchase order{'s' if n != 1 else ''} worth "
                f"{format_money(total, currency)}, ordered today "
                f"({self.session.as_of.isoformat()})?\n\n" + "\n".join(rows)
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

    def _maybe_open_sku(self, index: QModelIndex) -> None:
        if index.isValid() and self.model.columns[index.column()].key != "quantity":
            row = self.proxy.source_frame_row(index.row())
            self.sku_requested.emit(str(self.model.frame.at[row, "sku"]))

    def _update_buttons(self) -> None:
        has = bool(self.suggestions)
        for b in (self.approve, self.approve_all, self.reset, self.export):
            b.setEnabled(has)
