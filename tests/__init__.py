"""Test suites mirroring the top-level folders."""
