"""Avstem: the bank and Altinn side of a Norwegian accounting program."""

__version__ = "0.1.0"
