"""Thin adapters from host systems (command line, …) to the ccm_rules core."""
