import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { CATALOGUE_VERSION_MEMO_MS, PUBLIC_CATALOGUE_CACHE, rememberedPages, servePage } from '../src/middleware/page-cache';

// The catalogue cache keeps its hottest answers in the isolate's memory too: a repeat costs
// no render and no cache round trip, a catalogue change misses within a second (at once after a
// write through this isolate), and memory stays bounded.

const changeCatalogue = () => env.DB.prepare('UPDATE catalogue_version SET version = lower(hex(randomblob(8))) WHERE id = 1').run();
const aWrite = () =>
  servePage(
    new Request('http://choso.test/api/v1/orders', { method: 'POST' }),
    env.DB,
    ctx,
    async () => new Response(null, { status: 201 }),
  );

const waitUntils: Promise<unknown>[] = [];
const ctx = {
  waitUntil: (promise: Promise<unknown>) => waitUntils.push(promise),
  passThroughOnException() {},
} as unknown as ExecutionContext;

function counted(body: string) {
  const render = async () => {
    render.calls += 1;
    return new Response(body, { headers: { 'Content-Type': 'text/html', 'Cache-Control': PUBLIC_CATALOGUE_CACHE } });
  };
  render.calls = 0;
  return render;
}

describe('the in-memory layer of the catalogue cache', () => {
  it('answers a repeat without rendering, and renders again after a catalogue change', async () => {
    const render = counted('<h1>Tất cả sản phẩm OCOP</h1>');
    const url = `http://choso.test/san-pham?memory=${crypto.randomUUID()}`;
    const first = await servePage(new Request(url), env.DB, ctx, render);
    expect(first.headers.get('X-Page-Cache')).toBe('MISS');
    const again = await servePage(new Request(url), env.DB, ctx, render);
    expect(again.headers.get('X-Page-Cache')).toBe('HIT');
    expect(await again.text()).toBe('<h1>Tất cả sản phẩm OCOP</h1>');
    expect(render.calls).toBe(1);

    await changeCatalogue();
    await aWrite();
    expect((await servePage(new Request(url), env.DB, ctx, render)).headers.get('X-Page-Cache')).toBe('MISS');
    expect(render.calls).toBe(2);
    await Promise.all(waitUntils);
  });

  it('reads the catalogue version at most once a second, so a change made elsewhere shows within a second', async () => {
    const render = counted('<h1>Mật ong bạc hà</h1>');
    const url = `http://choso.test/san-pham/prd_memo?memory=${crypto.randomUUID()}`;
    await aWrite();
    await (await servePage(new Request(url), env.DB, ctx, render)).arrayBuffer();
    // Another isolate (a seller's edit) changes the catalogue: this one still serves what it has…
    await changeCatalogue();
    expect((await servePage(new Request(url), env.DB, ctx, render)).headers.get('X-Page-Cache')).toBe('HIT');
    expect(render.calls).toBe(1);
    // …until its second is up.
    await new Promise((resolve) => setTimeout(resolve, CATALOGUE_VERSION_MEMO_MS + 50));
    expect((await servePage(new Request(url), env.DB, ctx, render)).headers.get('X-Page-Cache')).toBe('MISS');
    expect(render.calls).toBe(2);
    await Promise.all(waitUntils);
  });

  it('keeps at most 64 answers however many pages are asked for', async () => {
    for (let i = 0; i < 100; i += 1) {
      const res = await servePage(new Request(`http://choso.test/san-pham?page=${i}`), env.DB, ctx, counted(`trang ${i}`));
      await res.arrayBuffer();
    }
    expect(rememberedPages()).toBe(64);
    await Promise.all(waitUntils);
  });

  it('never keeps what a signed-in visitor sees', async () => {
    const before = rememberedPages();
    const render = counted('<p>Sản phẩm của tôi</p>');
    const signedIn = new Request(`http://choso.test/san-pham?own=${crypto.randomUUID()}`, { headers: { Cookie: 'choso_session=x' } });
    expect((await servePage(signedIn, env.DB, ctx, render)).headers.get('X-Page-Cache')).toBe('BYPASS');
    expect(rememberedPages()).toBe(before);
  });
});
