-- Search that tells "gốm" (pottery) from "gồm" (includes): two full-text indexes over the
-- same four fields. products_fts folds every mark (and đ to d), so a query typed without
-- diacritics finds every spelling; products_fts_exact keeps the marks, so a query typed
-- with them can rank exact spellings first. Both now index the producer's commune too.
-- The 0001 index and its triggers are replaced (same name, one more column).

DROP TRIGGER IF EXISTS products_fts_after_insert;
DROP TRIGGER IF EXISTS products_fts_after_update;
DROP TRIGGER IF EXISTS products_fts_after_delete;
DROP TRIGGER IF EXISTS organizations_fts_after_rename;
DROP TABLE IF EXISTS products_fts;

CREATE VIRTUAL TABLE products_fts USING fts5 (
  name, description, producer, commune,
  tokenize = 'unicode61 remove_diacritics 2'
);

CREATE VIRTUAL TABLE products_fts_exact USING fts5 (
  name, description, producer, commune,
  tokenize = 'unicode61 remove_diacritics 0'
);

INSERT INTO products_fts (rowid, name, description, producer, commune)
SELECT p.seq,
  replace(replace(p.name, 'đ', 'd'), 'Đ', 'D'),
  replace(replace(p.description, 'đ', 'd'), 'Đ', 'D'),
  replace(replace(o.name, 'đ', 'd'), 'Đ', 'D'),
  replace(replace(o.commune, 'đ', 'd'), 'Đ', 'D')
FROM products p JOIN organizations o ON o.id = p.seller_id;

INSERT INTO products_fts_exact (rowid, name, description, producer, commune)
SELECT p.seq, p.name, p.description, o.name, o.commune
FROM products p JOIN organizations o ON o.id = p.seller_id;

-- The triggers write only the indexes. Writes that report what they changed use
-- RETURNING (db/sql.ts rowsWritten), never meta.changes, which counts trigger rows too.
CREATE TRIGGER products_fts_after_insert AFTER INSERT ON products BEGIN
  INSERT INTO products_fts (rowid, name, description, producer, commune)
  SELECT new.seq,
    replace(replace(new.name, 'đ', 'd'), 'Đ', 'D'),
    replace(replace(new.description, 'đ', 'd'), 'Đ', 'D'),
    replace(replace(o.name, 'đ', 'd'), 'Đ', 'D'),
    replace(replace(o.commune, 'đ', 'd'), 'Đ', 'D')
  FROM organizations o WHERE o.id = new.seller_id;
  INSERT INTO products_fts_exact (rowid, name, description, producer, commune)
  SELECT new.seq, new.name, new.description, o.name, o.commune FROM organizations o WHERE o.id = new.seller_id;
END;

CREATE TRIGGER products_fts_after_update AFTER UPDATE OF name, description, seller_id ON products BEGIN
  DELETE FROM products_fts WHERE rowid = old.seq;
  DELETE FROM products_fts_exact WHERE rowid = old.seq;
  INSERT INTO products_fts (rowid, name, description, producer, commune)
  SELECT new.seq,
    replace(replace(new.name, 'đ', 'd'), 'Đ', 'D'),
    replace(replace(new.description, 'đ', 'd'), 'Đ', 'D'),
    replace(replace(o.name, 'đ', 'd'), 'Đ', 'D'),
    replace(replace(o.commune, 'đ', 'd'), 'Đ', 'D')
  FROM organizations o WHERE o.id = new.seller_id;
  INSERT INTO products_fts_exact (rowid, name, description, producer, commune)
  SELECT new.seq, new.name, new.description, o.name, o.commune FROM organizations o WHERE o.id = new.seller_id;
END;

CREATE TRIGGER products_fts_after_delete AFTER DELETE ON products BEGIN
  DELETE FROM products_fts WHERE rowid = old.seq;
  DELETE FROM products_fts_exact WHERE rowid = old.seq;
END;

CREATE TRIGGER organizations_fts_after_rename AFTER UPDATE OF name, commune ON organizations BEGIN
  UPDATE products_fts SET
    producer = replace(replace(new.name, 'đ', 'd'), 'Đ', 'D'),
    commune = replace(replace(new.commune, 'đ', 'd'), 'Đ', 'D')
  WHERE rowid IN (SELECT seq FROM products WHERE seller_id = new.id);
  UPDATE products_fts_exact SET producer = new.name, commune = new.commune
  WHERE rowid IN (SELECT seq FROM products WHERE seller_id = new.id);
END;

-- Name first, then producer, then commune, then description.
INSERT INTO products_fts (products_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0, 4.0, 2.0)');
INSERT INTO products_fts_exact (products_fts_exact, rank) VALUES ('rank', 'bm25(10.0, 1.0, 4.0, 2.0)');
