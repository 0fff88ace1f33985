"""The app's pages: layout and wiring only; numbers come from the plan and the store."""
