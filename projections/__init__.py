"""Read models projected from the events: one module per view, a runner, and queries."""
