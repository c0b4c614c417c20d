"""Wijkwijzer: which partner in the wijk should a school involve, and how."""

__version__ = "0.1.0"
