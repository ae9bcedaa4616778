"""Build the demo data step by step, each module through the apps' services."""
