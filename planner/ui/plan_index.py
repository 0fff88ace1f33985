"""Finding one SKU's rows in the plan's long frames at once (the SKU page, the what-if)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


class SkuIndex:
    """A SKU's rows of the plan's long frames without a scan.

    Per frame: the row numbers grouped by SKU (one int array) and where each SKU's group starts.
    Small to send between processes and quick to unpickle (no per-SKU objects but one dict).
    """

    FRAMES = ("history_weekly", "forecast_weekly", "backorder_lines", "open_po_lines")

    def __init__(self, plan: Any, po_lines: pd.DataFrame | None = None) -> None:
        sources = {name: getattr(plan, name, None) for name in self.FRAMES}
        sources["po_lines"] = po_lines
        sources = {k: v for k, v in sources.items()
                   if v is not None and "sku" in getattr(v, "columns", [])}
        every = pd.Index(np.unique(np.concatenate(
            [v["sku"].astype(str).to_numpy() for v in sources.values()] or [np.array([], str)])))
        self._code = {sku: i for i, sku in enumerate(every.tolist())}
        self._frames: dict[str, pd.DataFrame] = {}
        self._groups: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for name, frame in sources.items():
            codes = every.get_indexer(frame["sku"].astype(str).to_numpy())
            order = np.argsort(codes, kind="stable").astype(np.int64)
            starts = np.searchsorted(codes[order], np.arange(len(every) + 1)).astype(np.int64)
            self._frames[name] = frame
            self._groups[name] = (order, starts)

    def __getstate__(self) -> dict[str, Any]:
        # the frames travel with the plan; attach() puts them back
        return {"_code": self._code, "_groups": self._groups,
                "_frames": dict.fromkeys(self._frames)}

    def attach(self, plan: Any, po_lines: pd.DataFrame | None) -> SkuIndex:
        """Point the index at the plan's frames (after unpickling)."""
        self._frames = {name: (po_lines if name == "po_lines" else getattr(plan, name))
                        for name in self._frames}
        return self

    def rows(self, name: str, sku: str) -> pd.DataFrame:
        """One SKU's rows of a frame, in their original order (empty when none)."""
        frame = self._frames.get(name)
        if frame is None:
            return pd.DataFrame()
        code = self._code.get(str(sku))
        if code is None:
            return frame.iloc[0:0]
        order, starts = self._groups[name]
        return frame.iloc[order[starts[code]:starts[code + 1]]]
