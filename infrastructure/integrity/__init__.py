"""Integrity: the hash chain over stored events, signed checkpoints, verification, bundles.

The exact bytes hashed and signed are defined in `chain`, `merkle` and `checkpoints`, and
described in README.md ("Integrity: what is hashed and signed").
"""
