-- Large statements are applied in chunks through a queue (docs/scale.md): the statement keeps
-- its status and progress, and each chunk is recorded once with what it counted.
ALTER TABLE statements ADD COLUMN status TEXT NOT NULL DEFAULT 'done' CHECK (status IN ('processing', 'done', 'failed'));
ALTER TABLE statements ADD COLUMN lines INTEGER NOT NULL DEFAULT 0;
ALTER TABLE statements ADD COLUMN processed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE statements ADD COLUMN chunks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE statements ADD COLUMN failure_reason TEXT;

CREATE TABLE statement_chunks (
  statement_id TEXT NOT NULL REFERENCES statements (id),
  chunk INTEGER NOT NULL,
  lines INTEGER NOT NULL,
  counts TEXT NOT NULL CHECK (json_valid(counts)),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (statement_id, chunk)
);
