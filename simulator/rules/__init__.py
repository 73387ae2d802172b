"""The rule files: schema, loader, linter and the independent reference evaluator.

The rules compiled to polars frames for the engine's joins (`rule_versions`, `resolved_rules`)
live in `simulator/engine/tables.py`.
"""
