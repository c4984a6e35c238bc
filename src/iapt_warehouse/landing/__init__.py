"""The landing layer: submission packages into DuckDB schema `landing`, nothing lost."""
