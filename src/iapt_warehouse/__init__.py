"""IAPT warehouse: landing loader, synthetic submissions and helpers around the dbt project."""

__version__ = "0.1.0"
