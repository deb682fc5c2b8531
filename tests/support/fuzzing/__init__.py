"""Hostile inputs for every parser: real files as seeds, structure-aware mutations, invariants.

Shared by the property-based tests (hypothesis drives the `random.Random` a mutation uses,
so it can shrink a failure) and by the fuzz harness `fuzz/run.py` (100,000+ inputs per parser).
"""
