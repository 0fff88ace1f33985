"""PDF documents (supplier purchase plans, the internal plan report) and the charts the
app shares with them."""
