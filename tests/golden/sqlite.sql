CREATE TABLE IF NOT EXISTS "notes" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  -- What the note is about, shown in lists.
  "title" TEXT NOT NULL DEFAULT '',
  "body" TEXT, -- Markdown.
  "created" DATETIME DEFAULT CURRENT_TIMESTAMP
) WITHOUT ROWID;
CREATE TABLE t4 (a INTEGER /* kept */, b TEXT) STRICT;
CREATE TABLE tags ( -- Labels
  id INTEGER PRIMARY KEY,
  name TEXT UNIQUE
);
