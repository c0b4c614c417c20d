"""The database schema, one step per version. Never edit a released step: add one."""

from __future__ import annotations

from collections.abc import Sequence

SCHEMA_VERSION = 8

# Each step brings the schema from version i to i + 1. Never edit a released step: add one.
MIGRATIONS: tuple[Sequence[str], ...] = (
    (
        """CREATE TABLE entry_stats (
               entry_id   TEXT PRIMARY KEY,
               asked      INTEGER NOT NULL DEFAULT 0,
               thumbs_up  INTEGER NOT NULL DEFAULT 0,
               thumbs_down INTEGER NOT NULL DEFAULT 0,
               updated    TEXT NOT NULL DEFAULT (datetime('now'))
           )""",
    ),
    (
        # Version 2: the user's wijk, local contact routes (work contact data only) and the
        # audit trail of every change to them.
        """CREATE TABLE user_prefs (
               user_id INTEGER PRIMARY KEY,
               wijk_id TEXT,
               school  TEXT,
               updated TEXT NOT NULL DEFAULT (datetime('now'))
           )""",
        """CREATE TABLE routes (
               id           INTEGER PRIMARY KEY,
               wijk_id      TEXT NOT NULL,
               entry_id     TEXT NOT NULL,
               organisation TEXT NOT NULL,
               phone        TEXT NOT NULL DEFAULT '',
               email        TEXT NOT NULL DEFAULT '',
               website      TEXT NOT NULL DEFAULT '',
               hours        TEXT NOT NULL DEFAULT '',
               note         TEXT NOT NULL DEFAULT '',
               internal     INTEGER NOT NULL DEFAULT 0,
               added_by     TEXT NOT NULL,
               created      TEXT NOT NULL DEFAULT (datetime('now')),
               checked      TEXT NOT NULL DEFAULT (datetime('now')),
               deleted      TEXT
           )""",
        "CREATE INDEX routes_lookup ON routes (wijk_id, entry_id) WHERE deleted IS NULL",
        """CREATE TABLE audit (
               id       INTEGER PRIMARY KEY,
               at       TEXT NOT NULL DEFAULT (datetime('now')),
               actor    TEXT NOT NULL,
               action   TEXT NOT NULL,
               route_id INTEGER,
               before   TEXT,
               after    TEXT
           )""",
    ),
    (
        # Version 3: who may edit a wijk's routes (editor) or see its internal ones (member),
        # and the one-time invitation codes that grant it (only a hash of the code is kept).
        """CREATE TABLE members (
               user_id  INTEGER NOT NULL,
               wijk_id  TEXT NOT NULL,
               role     TEXT NOT NULL CHECK (role IN ('editor', 'member')),
               added_by TEXT NOT NULL,
               added    TEXT NOT NULL DEFAULT (datetime('now')),
               PRIMARY KEY (user_id, wijk_id)
           )""",
        """CREATE TABLE invites (
               code_hash  TEXT PRIMARY KEY,
               wijk_id    TEXT NOT NULL,
               role       TEXT NOT NULL CHECK (role IN ('editor', 'member')),
               created_by TEXT NOT NULL,
               expires    TEXT NOT NULL,
               used_by    INTEGER,
               used       TEXT
           )""",
    ),
    (
        # Version 4: the curators' log (redacted unanswered questions) and, per salted word
        # hash, which salted user hashes typed it (a word is kept once three users did).
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE curator_log (
               id   INTEGER PRIMARY KEY,
               at   TEXT NOT NULL DEFAULT (datetime('now')),
               kind TEXT NOT NULL,
               text TEXT NOT NULL
           )""",
        """CREATE TABLE word_users (
               word_hash TEXT NOT NULL,
               user_hash TEXT NOT NULL,
               seen      TEXT NOT NULL DEFAULT (datetime('now')),
               PRIMARY KEY (word_hash, user_hash)
           )""",
    ),
    (
        # Version 5: editors mark partners of their wijk as there now or wanted (praatplaat).
        """CREATE TABLE plate_marks (
               wijk_id  TEXT NOT NULL,
               entry_id TEXT NOT NULL,
               status   TEXT NOT NULL CHECK (status IN ('now', 'wanted')),
               by_actor TEXT NOT NULL,
               at       TEXT NOT NULL DEFAULT (datetime('now')),
               PRIMARY KEY (wijk_id, entry_id)
           )""",
    ),
    (
        # Version 6: one 👍/👎 per user and entry; the voter as a keyed hash, kept 90 days.
        """CREATE TABLE votes (
               entry_id TEXT NOT NULL,
               voter    TEXT NOT NULL,
               helpful  INTEGER NOT NULL,
               at       TEXT NOT NULL DEFAULT (datetime('now')),
               PRIMARY KEY (entry_id, voter)
           )""",
    ),
    (
        # Version 7: when each periodic job last ran, so that a restart neither resends nor
        # skips it (bot/schedule.py).
        """CREATE TABLE job_runs (
               name     TEXT PRIMARY KEY,
               last_run TEXT NOT NULL
           )""",
    ),
    (
        # Version 8: admins added in chat by an admin (WIJKWIJZER_ADMINS bootstraps the
        # first), and invitations that may make one.
        """CREATE TABLE admins (
               user_id  INTEGER PRIMARY KEY,
               added_by TEXT NOT NULL,
               added    TEXT NOT NULL DEFAULT (datetime('now'))
           )""",
        """CREATE TABLE invites_v8 (
               code_hash  TEXT PRIMARY KEY,
               wijk_id    TEXT NOT NULL,
               role       TEXT NOT NULL CHECK (role IN ('editor', 'member', 'admin')),
               created_by TEXT NOT NULL,
               expires    TEXT NOT NULL,
               used_by    INTEGER,
               used       TEXT
           )""",
        "INSERT INTO invites_v8 SELECT code_hash, wijk_id, role, created_by, expires, used_by, "
        "used FROM invites",
        "DROP TABLE invites",
        "ALTER TABLE invites_v8 RENAME TO invites",
    ),
)
