// The catalogue list's first-page query (the SQL db/products.ts builds for
// GET /api/v1/products?limit=24), answered as JSON, with no framework, middleware or cache.
const LIST = `SELECT p.id, p.seller_id, p.name, p.description, p.category, p.price, p.unit, p.stock,
  p.status, p.images, p.ocop_stars, p.ocop_certificate_no, p.ocop_issued_at, p.ocop_expires_at,
  p.hidden_reason, p.hidden_at, p.created_at, p.updated_at, o.name AS seller_name, o.kind AS seller_kind,
  o.commune AS seller_commune, p.created_at AS sort_key
  FROM products p JOIN organizations o ON o.id = p.seller_id
  WHERE p.status = 'active' AND p.hidden_at IS NULL
  ORDER BY p.created_at DESC, p.id DESC LIMIT 25`;

// A signed-in visitor's session lookup (the SQL of db/users.ts findSessionUser, fewer columns):
// `?session=1` runs it first, as a request that bypasses the cache does.
const SESSION = `SELECT u.id, u.role, u.organization_id FROM sessions s JOIN users u ON u.id = s.user_id
  LEFT JOIN organizations o ON o.id = u.organization_id
  WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND u.deactivated_at IS NULL`;

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === '/api/health') return Response.json({ ok: true });
    if (url.searchParams.has('session')) await env.DB.prepare(SESSION).bind('0'.repeat(64), new Date().toISOString()).first();
    const { results } = await env.DB.prepare(LIST).all();
    return Response.json({ items: results.slice(0, 24), nextCursor: null });
  },
};
