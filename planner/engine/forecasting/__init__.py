"""Forecasting internals: history buckets, classification, seasonality, kernels, backtest."""
