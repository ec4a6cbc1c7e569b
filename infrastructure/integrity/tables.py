"""Names of the tables the integrity work reads and writes, beside the library's own."""

from __future__ import annotations

CHAIN_TABLE = "event_chain"  # one row per stored event: its links and its hash
CHECKPOINT_TABLE = "event_checkpoints"  # signed checkpoints, also kept outside the database
# The library's tables for the FundTrail application (its factories name them so).
SQLITE_EVENTS_TABLE = "stored_events"
SQLITE_SNAPSHOTS_TABLE = "stored_snapshots"
POSTGRES_EVENTS_TABLE = "fundtrail_events"
POSTGRES_SNAPSHOTS_TABLE = "fundtrail_snapshots"
POSTGRES_INDEX_TABLE = "event_index"
