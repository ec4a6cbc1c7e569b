"""Performance scripts with their figures (RESULTS.md); never part of the test run."""
