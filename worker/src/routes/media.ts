import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { notFound } from '../errors';

/**
 * Serves uploaded photos from R2 under stable URLs. Keys never change once written (a new
 * photo gets a new key), so browsers and the CDN may cache them for a year.
 */
const media = new Hono<AppEnv>();

media.get('/:key{products/[a-z0-9_]+/[a-z0-9]+\\.(?:jpg|png|webp)}', async (c) => {
  const object = await c.env.MEDIA.get(c.req.param('key'));
  if (!object) throw notFound('Image', 'image_not_found');
  const headers = new Headers();
  object.writeHttpMetadata(headers);
  headers.set('ETag', object.httpEtag);
  headers.set('Cache-Control', 'public, max-age=31536000, immutable');
  headers.set('X-Content-Type-Options', 'nosniff');
  return new Response(object.body, { headers });
});

export default media;
