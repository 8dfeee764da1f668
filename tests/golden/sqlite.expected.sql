CREATE TABLE IF NOT EXISTS "notes" ( -- Notes, one row per note.
  "id" INTEGER PRIMARY KEY AUTOINCREMENT, -- Unique identifier of the note.
  -- What the note is about, shown in lists.
  "title" TEXT NOT NULL DEFAULT '',
  "body" TEXT, -- Markdown.
  "created" DATETIME DEFAULT CURRENT_TIMESTAMP -- Timestamp when the note was created.
) WITHOUT ROWID;
CREATE TABLE t4 ( /* T 4s, one row per t 4. */ a INTEGER /* kept */, b TEXT /* B of the t 4. */) STRICT;
CREATE TABLE tags ( -- Labels
  id INTEGER PRIMARY KEY, -- Unique identifier of the tag.
  name TEXT UNIQUE -- Name of the tag.
);
