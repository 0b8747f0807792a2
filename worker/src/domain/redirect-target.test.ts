import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeRedirectPath } from './redirect-target';

const ORIGIN = 'https://choso.test';

describe('safeRedirectPath', () => {
  it.each([
    ['/quan-ly', '/quan-ly'],
    ['/quan-ly/ngoai-le?ngay=2026-11-30', '/quan-ly/ngoai-le?ngay=2026-11-30'],
    ['/san-pham#gom', '/san-pham#gom'],
    ['/a/../quan-ly', '/quan-ly'],
  ])('keeps our own path %j as %j', (target, expected) => {
    expect(safeRedirectPath(target, ORIGIN, '/fallback')).toBe(expected);
  });

  it.each([
    ['/\\evil.example'],
    ['/\t/evil.example'],
    ['/\n/evil.example'],
    ['//evil.example'],
    ['///evil.example'],
    ['/.//evil.example'],
    ['https://evil.example'],
    ['http://choso.test.evil.example/'],
    ['javascript:alert(1)'],
    ['evil.example'],
    [' /quan-ly'],
    [''],
    [null],
    [undefined],
  ])('refuses %j and falls back', (target) => {
    expect(safeRedirectPath(target, ORIGIN, '/fallback')).toBe('/fallback');
  });

  it('never gives a target that a browser would open on another host', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `/${s}`),
          fc
            .constantFrom('/', '\\', '/\\', '//', '\t', '\n', '%09', '.', '@', ':', 'evil.example')
            .chain((piece) =>
              fc.array(fc.constantFrom(piece, '/', '\\', '\t', 'evil.example', '.', '@'), { maxLength: 8 }).map((parts) => parts.join('')),
            ),
        ),
        (target) => {
          const result = safeRedirectPath(target, ORIGIN, '/fallback');
          expect(result.startsWith('/')).toBe(true);
          expect(result.startsWith('//')).toBe(false);
          expect(result.startsWith('/\\')).toBe(false);
          // As a browser resolves a Location header against the page it came from.
          expect(new URL(result, `${ORIGIN}/dang-nhap`).origin).toBe(ORIGIN);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
