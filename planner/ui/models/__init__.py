"""Table models: a pandas frame behind a QAbstractTableModel, filtered by a sort/filter proxy."""

from planner.ui.models.frame_model import Column, FrameFilterProxy, FrameTableModel

__all__ = ["Column", "FrameFilterProxy", "FrameTableModel"]
