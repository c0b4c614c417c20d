"""Storage in one SQLite file: `database` owns the connection, the schema and transactions;
one module per concept on top of it (routes and audit, people and invitations, the curators'
log). Import from here."""

from bot.storage.curator import RELEASE_USERS, RETENTION_DAYS, CuratorLog
from bot.storage.database import EntryStats, Storage, StorageError, Vote
from bot.storage.migrations import MIGRATIONS, SCHEMA_VERSION
from bot.storage.people import PeopleStore, UserRecord
from bot.storage.routes import RouteStore

__all__ = ["MIGRATIONS", "RELEASE_USERS", "RETENTION_DAYS", "SCHEMA_VERSION", "CuratorLog",
           "EntryStats", "PeopleStore", "RouteStore", "Storage", "StorageError", "UserRecord",
           "Vote"]
