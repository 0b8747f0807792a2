-- The catalogue's facets for any filter, not only the whole catalogue's (migration 0017): one row
-- holds how many public products share each combination of what the filters read, so a filtered
-- first page (a group, a commune, a price range, a star level, or several at once) reads its
-- facets and its size from that row instead of counting its products four times (338 rows read
-- per uncached `category=food&minStars=4` request before, for 11 products listed).
--
-- `cells` is a JSON object: each key is category '|' commune '|' stars '@' certificate expiry
-- '|' exact price in đồng, and its value how many public products have exactly those. The
-- commune is 'x' || hex(commune) so that no key needs quoting in a JSON path ('' when the seller
-- has none); the certificate is '' when the product has none. The expiry stays in the key
-- because a certificate stops counting at midnight: the worker compares it with today. The
-- exact price stays because a price filter may have any bounds. A product counts while it is
-- active, not hidden, and its seller exists. The row replaces 0017's summary: one source for
-- the facets, the catalogue's size and the groups' counts.
DROP TRIGGER catalogue_facets_product_insert;
DROP TRIGGER catalogue_facets_product_update;
DROP TRIGGER catalogue_facets_product_delete;
DROP TRIGGER catalogue_facets_organization_commune;
DROP TABLE catalogue_facet_summary;

-- What the cells count, written once: the first fill and a seller's change of commune use it.
CREATE VIEW catalogue_facet_cell_counts AS
SELECT p.category || '|' || CASE WHEN o.commune IS NULL THEN '' ELSE 'x' || hex(o.commune) END || '|'
    || coalesce(p.ocop_stars || '@' || p.ocop_expires_at, '') || '|' || p.price AS cell,
  count(*) AS n
FROM products p JOIN organizations o ON o.id = p.seller_id
WHERE p.status = 'active' AND p.hidden_at IS NULL
GROUP BY cell;

CREATE TABLE catalogue_facet_cells (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  cells TEXT NOT NULL CHECK (json_valid(cells))
);

INSERT INTO catalogue_facet_cells (id, cells)
SELECT 1, coalesce((SELECT json_group_object(cell, n) FROM catalogue_facet_cell_counts), '{}');

-- A product's own writes move one count: an update takes the old cell's out and puts the new
-- one's in. Only the columns a cell or the public filter reads fire it (a stock change does not).
-- Each trigger spells the view's cell key for its one row (SQLite has no functions to share it);
-- worker/test/facet-cells.test.ts and migrations.test.ts hold the five spellings to one count.
CREATE TRIGGER catalogue_cells_product_insert AFTER INSERT ON products
WHEN NEW.status = 'active' AND NEW.hidden_at IS NULL BEGIN
  UPDATE catalogue_facet_cells SET cells = json_set(cells, '$."' || added.cell || '"', coalesce(json_extract(cells, '$."' || added.cell || '"'), 0) + 1)
  FROM (SELECT NEW.category || '|' || CASE WHEN o.commune IS NULL THEN '' ELSE 'x' || hex(o.commune) END || '|'
          || coalesce(NEW.ocop_stars || '@' || NEW.ocop_expires_at, '') || '|' || NEW.price AS cell
        FROM organizations o WHERE o.id = NEW.seller_id) AS added
  WHERE catalogue_facet_cells.id = 1;
END;

CREATE TRIGGER catalogue_cells_product_update
AFTER UPDATE OF status, hidden_at, category, price, ocop_stars, ocop_expires_at, seller_id ON products BEGIN
  UPDATE catalogue_facet_cells SET cells = CASE
      WHEN json_extract(cells, '$."' || removed.cell || '"') > 1
        THEN json_set(cells, '$."' || removed.cell || '"', json_extract(cells, '$."' || removed.cell || '"') - 1)
      ELSE json_remove(cells, '$."' || removed.cell || '"') END
  FROM (SELECT OLD.category || '|' || CASE WHEN o.commune IS NULL THEN '' ELSE 'x' || hex(o.commune) END || '|'
          || coalesce(OLD.ocop_stars || '@' || OLD.ocop_expires_at, '') || '|' || OLD.price AS cell
        FROM organizations o WHERE o.id = OLD.seller_id) AS removed
  WHERE catalogue_facet_cells.id = 1 AND OLD.status = 'active' AND OLD.hidden_at IS NULL;
  UPDATE catalogue_facet_cells SET cells = json_set(cells, '$."' || added.cell || '"', coalesce(json_extract(cells, '$."' || added.cell || '"'), 0) + 1)
  FROM (SELECT NEW.category || '|' || CASE WHEN o.commune IS NULL THEN '' ELSE 'x' || hex(o.commune) END || '|'
          || coalesce(NEW.ocop_stars || '@' || NEW.ocop_expires_at, '') || '|' || NEW.price AS cell
        FROM organizations o WHERE o.id = NEW.seller_id) AS added
  WHERE catalogue_facet_cells.id = 1 AND NEW.status = 'active' AND NEW.hidden_at IS NULL;
END;

CREATE TRIGGER catalogue_cells_product_delete AFTER DELETE ON products
WHEN OLD.status = 'active' AND OLD.hidden_at IS NULL BEGIN
  UPDATE catalogue_facet_cells SET cells = CASE
      WHEN json_extract(cells, '$."' || removed.cell || '"') > 1
        THEN json_set(cells, '$."' || removed.cell || '"', json_extract(cells, '$."' || removed.cell || '"') - 1)
      ELSE json_remove(cells, '$."' || removed.cell || '"') END
  FROM (SELECT OLD.category || '|' || CASE WHEN o.commune IS NULL THEN '' ELSE 'x' || hex(o.commune) END || '|'
          || coalesce(OLD.ocop_stars || '@' || OLD.ocop_expires_at, '') || '|' || OLD.price AS cell
        FROM organizations o WHERE o.id = OLD.seller_id) AS removed
  WHERE catalogue_facet_cells.id = 1;
END;

-- A seller moving commune moves every one of its products' cells: rare (an admin's edit), so the
-- row is counted again rather than moved product by product.
CREATE TRIGGER catalogue_cells_organization_commune
AFTER UPDATE OF commune ON organizations WHEN OLD.commune IS NOT NEW.commune BEGIN
  UPDATE catalogue_facet_cells SET cells = coalesce((SELECT json_group_object(cell, n) FROM catalogue_facet_cell_counts), '{}')
  WHERE id = 1 AND EXISTS (SELECT 1 FROM products p WHERE p.seller_id = NEW.id AND p.status = 'active' AND p.hidden_at IS NULL);
END;

-- A first catalogue page with a group and a star level lists through this index, reading only
-- the products it lists: the group's index would read the group's every product, the stars'
-- every group's.
CREATE INDEX products_status_category_stars ON products (status, category, ocop_stars, ocop_expires_at);

-- Every catalogue page lists the groups in their order: read in that order, not sorted each time.
CREATE INDEX categories_position ON categories (position);
