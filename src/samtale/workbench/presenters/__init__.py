"""Shaping what the workbench shows from what the selectors return. No rules here."""
