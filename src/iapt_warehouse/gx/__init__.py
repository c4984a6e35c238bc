"""Great Expectations suites and the `iapt validate` command (docs/great-expectations.md)."""
