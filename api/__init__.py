"""The ways in: the HTTP API, the auditor web pages and the command line."""
