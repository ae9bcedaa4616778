"""Process and beneficiary evaluations and the closing decision (to come)."""
