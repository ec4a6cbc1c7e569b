"""The fundtrail model: aggregates, value objects, rules and the command-side application."""
