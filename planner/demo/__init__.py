"""Demo data: a believable small brand (Northwind Goods Co.) written into a workspace."""

from planner.demo.export import write_demo_csvs
from planner.demo.writer import generate_demo, workspace_has_data, write_demo

__all__ = ["generate_demo", "workspace_has_data", "write_demo", "write_demo_csvs"]
