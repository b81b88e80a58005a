"""Entities and rules of Kithbook, in plain Python (standard library only)."""
