"""Pure planning logic on pandas/numpy: forecast, policy, projection, purchasing. No Qt, no SQL."""
