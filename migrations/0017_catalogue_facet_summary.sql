-- The catalogue's facet counts (groups, communes, price ranges, OCOP stars) for the whole public
-- catalogue, kept in one row by triggers: the first catalogue page, which every shopper sees
-- without filters, reads this row instead of counting every active product four times (794
-- rows read per uncached request before). Filtered pages still count through the indexes.
-- Each column is a JSON object of counts; keys are chosen so that none needs quoting in a JSON
-- path: the category slug, 'x' || hex(commune), the exact price in đồng (the worker groups
-- prices into ranges, so the ranges can change without a migration), and stars || '@' ||
-- certificate expiry (a certificate stops counting at midnight, so the worker compares the
-- expiry with today). A product counts while it is active, not hidden, and its seller exists;
-- `products` is how many do, which also tells the first page whether a second one exists.
CREATE TABLE catalogue_facet_summary (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  products INTEGER NOT NULL CHECK (products >= 0),
  categories TEXT NOT NULL CHECK (json_valid(categories)),
  communes TEXT NOT NULL CHECK (json_valid(communes)),
  prices TEXT NOT NULL CHECK (json_valid(prices)),
  stars TEXT NOT NULL CHECK (json_valid(stars))
);

INSERT INTO catalogue_facet_summary (id, products, categories, communes, prices, stars)
SELECT 1,
  (SELECT count(*) FROM products p JOIN organizations o ON o.id = p.seller_id
    WHERE p.status = 'active' AND p.hidden_at IS NULL),
  (SELECT json_group_object(k, n) FROM (SELECT p.category AS k, count(*) AS n
    FROM products p JOIN organizations o ON o.id = p.seller_id
    WHERE p.status = 'active' AND p.hidden_at IS NULL GROUP BY k)),
  (SELECT json_group_object(k, n) FROM (SELECT 'x' || hex(o.commune) AS k, count(*) AS n
    FROM products p JOIN organizations o ON o.id = p.seller_id
    WHERE p.status = 'active' AND p.hidden_at IS NULL AND o.commune IS NOT NULL GROUP BY k)),
  (SELECT json_group_object(k, n) FROM (SELECT CAST(p.price AS TEXT) AS k, count(*) AS n
    FROM products p JOIN organizations o ON o.id = p.seller_id
    WHERE p.status = 'active' AND p.hidden_at IS NULL GROUP BY k)),
  (SELECT json_group_object(k, n) FROM (SELECT p.ocop_stars || '@' || p.ocop_expires_at AS k, count(*) AS n
    FROM products p JOIN organizations o ON o.id = p.seller_id
    WHERE p.status = 'active' AND p.hidden_at IS NULL AND p.ocop_stars IS NOT NULL AND p.ocop_expires_at IS NOT NULL
    GROUP BY k));

-- An update takes the old row out and puts the new one in: only the columns a facet or the
-- public filter reads fire it (a stock change does not).
CREATE TRIGGER catalogue_facets_product_insert AFTER INSERT ON products BEGIN
  UPDATE catalogue_facet_summary SET
    products = products + 1,
    categories = json_set(categories, '$."' || NEW.category || '"', coalesce(json_extract(categories, '$."' || NEW.category || '"'), 0) + 1),
    communes = CASE WHEN o.commune IS NULL THEN communes ELSE json_set(communes, '$."' || 'x' || hex(o.commune) || '"', coalesce(json_extract(communes, '$."' || 'x' || hex(o.commune) || '"'), 0) + 1) END,
    prices = json_set(prices, '$."' || NEW.price || '"', coalesce(json_extract(prices, '$."' || NEW.price || '"'), 0) + 1),
    stars = CASE WHEN NEW.ocop_stars IS NULL OR NEW.ocop_expires_at IS NULL THEN stars ELSE json_set(stars, '$."' || NEW.ocop_stars || '@' || NEW.ocop_expires_at || '"', coalesce(json_extract(stars, '$."' || NEW.ocop_stars || '@' || NEW.ocop_expires_at || '"'), 0) + 1) END
  FROM organizations o
  WHERE catalogue_facet_summary.id = 1 AND o.id = NEW.seller_id AND NEW.status = 'active' AND NEW.hidden_at IS NULL;
END;
CREATE TRIGGER catalogue_facets_product_update
AFTER UPDATE OF status, hidden_at, category, price, ocop_stars, ocop_expires_at, seller_id ON products BEGIN
  UPDATE catalogue_facet_summary SET
    products = products - 1,
    categories = CASE WHEN json_extract(categories, '$."' || OLD.category || '"') > 1 THEN json_set(categories, '$."' || OLD.category || '"', json_extract(categories, '$."' || OLD.category || '"') - 1) ELSE json_remove(categories, '$."' || OLD.category || '"') END,
    communes = CASE WHEN o.commune IS NULL THEN communes ELSE CASE WHEN json_extract(communes, '$."' || 'x' || hex(o.commune) || '"') > 1 THEN json_set(communes, '$."' || 'x' || hex(o.commune) || '"', json_extract(communes, '$."' || 'x' || hex(o.commune) || '"') - 1) ELSE json_remove(communes, '$."' || 'x' || hex(o.commune) || '"') END END,
    prices = CASE WHEN json_extract(prices, '$."' || OLD.price || '"') > 1 THEN json_set(prices, '$."' || OLD.price || '"', json_extract(prices, '$."' || OLD.price || '"') - 1) ELSE json_remove(prices, '$."' || OLD.price || '"') END,
    stars = CASE WHEN OLD.ocop_stars IS NULL OR OLD.ocop_expires_at IS NULL THEN stars ELSE CASE WHEN json_extract(stars, '$."' || OLD.ocop_stars || '@' || OLD.ocop_expires_at || '"') > 1 THEN json_set(stars, '$."' || OLD.ocop_stars || '@' || OLD.ocop_expires_at || '"', json_extract(stars, '$."' || OLD.ocop_stars || '@' || OLD.ocop_expires_at || '"') - 1) ELSE json_remove(stars, '$."' || OLD.ocop_stars || '@' || OLD.ocop_expires_at || '"') END END
  FROM organizations o
  WHERE catalogue_facet_summary.id = 1 AND o.id = OLD.seller_id AND OLD.status = 'active' AND OLD.hidden_at IS NULL;
  UPDATE catalogue_facet_summary SET
    products = products + 1,
    categories = json_set(categories, '$."' || NEW.category || '"', coalesce(json_extract(categories, '$."' || NEW.category || '"'), 0) + 1),
    communes = CASE WHEN o.commune IS NULL THEN communes ELSE json_set(communes, '$."' || 'x' || hex(o.commune) || '"', coalesce(json_extract(communes, '$."' || 'x' || hex(o.commune) || '"'), 0) + 1) END,
    prices = json_set(prices, '$."' || NEW.price || '"', coalesce(json_extract(prices, '$."' || NEW.price || '"'), 0) + 1),
    stars = CASE WHEN NEW.ocop_stars IS NULL OR NEW.ocop_expires_at IS NULL THEN stars ELSE json_set(stars, '$."' || NEW.ocop_stars || '@' || NEW.ocop_expires_at || '"', coalesce(json_extract(stars, '$."' || NEW.ocop_stars || '@' || NEW.ocop_expires_at || '"'), 0) + 1) END
  FROM organizations o
  WHERE catalogue_facet_summary.id = 1 AND o.id = NEW.seller_id AND NEW.status = 'active' AND NEW.hidden_at IS NULL;
END;
CREATE TRIGGER catalogue_facets_product_delete AFTER DELETE ON products BEGIN
  UPDATE catalogue_facet_summary SET
    products = products - 1,
    categories = CASE WHEN json_extract(categories, '$."' || OLD.category || '"') > 1 THEN json_set(categories, '$."' || OLD.category || '"', json_extract(categories, '$."' || OLD.category || '"') - 1) ELSE json_remove(categories, '$."' || OLD.category || '"') END,
    communes = CASE WHEN o.commune IS NULL THEN communes ELSE CASE WHEN json_extract(communes, '$."' || 'x' || hex(o.commune) || '"') > 1 THEN json_set(communes, '$."' || 'x' || hex(o.commune) || '"', json_extract(communes, '$."' || 'x' || hex(o.commune) || '"') - 1) ELSE json_remove(communes, '$."' || 'x' || hex(o.commune) || '"') END END,
    prices = CASE WHEN json_extract(prices, '$."' || OLD.price || '"') > 1 THEN json_set(prices, '$."' || OLD.price || '"', json_extract(prices, '$."' || OLD.price || '"') - 1) ELSE json_remove(prices, '$."' || OLD.price || '"') END,
    stars = CASE WHEN OLD.ocop_stars IS NULL OR OLD.ocop_expires_at IS NULL THEN stars ELSE CASE WHEN json_extract(stars, '$."' || OLD.ocop_stars || '@' || OLD.ocop_expires_at || '"') > 1 THEN json_set(stars, '$."' || OLD.ocop_stars || '@' || OLD.ocop_expires_at || '"', json_extract(stars, '$."' || OLD.ocop_stars || '@' || OLD.ocop_expires_at || '"') - 1) ELSE json_remove(stars, '$."' || OLD.ocop_stars || '@' || OLD.ocop_expires_at || '"') END END
  FROM organizations o
  WHERE catalogue_facet_summary.id = 1 AND o.id = OLD.seller_id AND OLD.status = 'active' AND OLD.hidden_at IS NULL;
END;
CREATE TRIGGER catalogue_facets_organization_commune
AFTER UPDATE OF commune ON organizations WHEN OLD.commune IS NOT NEW.commune BEGIN
  UPDATE catalogue_facet_summary SET communes = CASE WHEN json_extract(communes, '$."' || 'x' || hex(OLD.commune) || '"') > moved.n THEN json_set(communes, '$."' || 'x' || hex(OLD.commune) || '"', json_extract(communes, '$."' || 'x' || hex(OLD.commune) || '"') - moved.n) ELSE json_remove(communes, '$."' || 'x' || hex(OLD.commune) || '"') END
  FROM (SELECT count(*) AS n FROM products p WHERE p.seller_id = NEW.id AND p.status = 'active' AND p.hidden_at IS NULL) AS moved
  WHERE catalogue_facet_summary.id = 1 AND moved.n > 0 AND OLD.commune IS NOT NULL;
  UPDATE catalogue_facet_summary SET communes = json_set(communes, '$."' || 'x' || hex(NEW.commune) || '"', coalesce(json_extract(communes, '$."' || 'x' || hex(NEW.commune) || '"'), 0) + moved.n)
  FROM (SELECT count(*) AS n FROM products p WHERE p.seller_id = NEW.id AND p.status = 'active' AND p.hidden_at IS NULL) AS moved
  WHERE catalogue_facet_summary.id = 1 AND moved.n > 0 AND NEW.commune IS NOT NULL;
END;
