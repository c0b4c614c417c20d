"""Wijkwijzer: which partner in the wijk should a school involve, and how."""

# The one place the version is written: pyproject.toml reads it (hatch's dynamic version) and
# `wijkwijzer --version` prints it. CHANGELOG.md says what changed in each version.
__version__ = "0.2.0.dev0"
