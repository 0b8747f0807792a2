/**
 * Where a page may send a visitor next (`/dang-nhap?tiep=…` and any other redirect whose
 * target comes from a request): only a path on our own site. The target is parsed against
 * our origin the way a browser would (a backslash counts as a slash, tabs and newlines are
 * dropped), so `/\evil.example`, `/%09/evil.example`, `//evil.example` and
 * `https://evil.example` all resolve elsewhere and are refused, and what comes back is the
 * parsed path, never the raw text.
 */

/**
 * A same-origin path for `target`, or `fallback`.
 *
 * @example
 * safeRedirectPath('/quan-ly/ngoai-le?ngay=2026-11-30', 'https://choso.vn') // → '/quan-ly/ngoai-le?ngay=2026-11-30'
 * safeRedirectPath('/\\evil.example', 'https://choso.vn', '/quan-ly')      // → '/quan-ly'
 */
export function safeRedirectPath(target: string | null | undefined, origin: string, fallback = '/'): string {
  if (!target || target.length > 2000 || !target.startsWith('/')) return fallback;
  let ours: URL;
  let resolved: URL;
  try {
    ours = new URL(origin);
    resolved = new URL(target, ours);
  } catch {
    return fallback;
  }
  if (resolved.origin !== ours.origin) return fallback;
  const path = `${resolved.pathname}${resolved.search}${resolved.hash}`;
  // "/.//evil.example" resolves on our origin to the path "//evil.example", which a browser
  // given it as a Location would read as another host.
  if (!path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) return fallback;
  return path;
}
