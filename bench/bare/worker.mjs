// The catalogue list's first-page query (the SQL db/products.ts builds for
// GET /api/v1/products?limit=24), answered as JSON, with no framework, middleware or cache.
const LIST = `SELECT p.id, p.seller_id, p.name, p.description, p.category, p.price, p.unit, p.stock,
  p.status, p.images, p.ocop_stars, p.ocop_certificate_no, p.ocop_issued_at, p.ocop_expires_at,
  p.hidden_reason, p.hidden_at, p.created_at, p.updated_at, o.name AS seller_name, o.kind AS seller_kind,
  o.commune AS seller_commune, p.created_at AS sort_key
  FROM products p JOIN organizations o ON o.id = p.seller_id
  WHERE p.status = 'active' AND p.hidden_at IS NULL
  ORDER BY p.created_at DESC, p.id DESC LIMIT 25`;

export default {
  async fetch(request, env) {
    if (new URL(request.url).pathname === '/api/health') return Response.json({ ok: true });
    const { results } = await env.DB.prepare(LIST).all();
    return Response.json({ items: results.slice(0, 24), nextCursor: null });
  },
};
