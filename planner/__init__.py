"""Planner: offline inventory, backorder and purchase planning for small brands."""

__version__ = "0.1.0"
