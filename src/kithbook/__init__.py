"""Kithbook: a private book of relationships and introductions that protect reputations."""

__version__ = "0.1.0"
