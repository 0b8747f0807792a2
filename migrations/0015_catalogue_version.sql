-- A random token that changes whenever anything the public catalogue pages show changes (a product,
-- its stock, its seller, a category). The worker keys its cache of those pages on it, so a
-- seller's edit is seen at once without purging anything, in every Cloudflare location. Random
-- rather than counted, so a database restored from a backup never reuses an old key.
-- Triggers keep it, so no write path can forget to.
CREATE TABLE catalogue_version (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version TEXT NOT NULL
);
INSERT INTO catalogue_version (id, version) VALUES (1, lower(hex(randomblob(8))));

CREATE TRIGGER catalogue_version_product_insert AFTER INSERT ON products BEGIN
  UPDATE catalogue_version SET version = lower(hex(randomblob(8))) WHERE id = 1;
END;
CREATE TRIGGER catalogue_version_product_update AFTER UPDATE ON products BEGIN
  UPDATE catalogue_version SET version = lower(hex(randomblob(8))) WHERE id = 1;
END;
CREATE TRIGGER catalogue_version_product_delete AFTER DELETE ON products BEGIN
  UPDATE catalogue_version SET version = lower(hex(randomblob(8))) WHERE id = 1;
END;
CREATE TRIGGER catalogue_version_organization_insert AFTER INSERT ON organizations BEGIN
  UPDATE catalogue_version SET version = lower(hex(randomblob(8))) WHERE id = 1;
END;
CREATE TRIGGER catalogue_version_organization_update AFTER UPDATE ON organizations BEGIN
  UPDATE catalogue_version SET version = lower(hex(randomblob(8))) WHERE id = 1;
END;
CREATE TRIGGER catalogue_version_category_update AFTER UPDATE ON categories BEGIN
  UPDATE catalogue_version SET version = lower(hex(randomblob(8))) WHERE id = 1;
END;
CREATE TRIGGER catalogue_version_category_insert AFTER INSERT ON categories BEGIN
  UPDATE catalogue_version SET version = lower(hex(randomblob(8))) WHERE id = 1;
END;
