import { describe, expect, it } from 'vitest';
import { areaOf, landingFor, mayOpen, menuFor, WORKSPACE_MENU } from './areas';

describe('workspace areas', () => {
  it.each([
    ['/quan-ly', 'seller', true],
    ['/quan-ly', 'shopper', false],
    ['/quan-ly/cho', 'market_manager', true],
    ['/quan-ly/cho/mkt_1', 'biller_staff', false],
    ['/quan-ly/chot', 'seller', true],
    ['/quan-ly/sao-ke', 'biller_staff', true],
    ['/quan-ly/sao-ke', 'seller', false],
    ['/quan-ly/bao-cao', 'admin', true],
    ['/quan-ly/hoa-don/nhap', 'biller_staff', true],
    ['/quan-ly/hoa-don', 'seller', false],
    ['/quan-ly/hoa-don/dot-thu', 'market_manager', true],
    ['/quan-ly/hoa-don/nguoi-nop', 'biller_staff', true],
    ['/quan-ly/hoa-don/nguoi-nop', 'admin', false],
    ['/tai-khoan', 'shopper', true],
    ['/san-pham', 'shopper', true],
  ] as const)('%s for a %s: %s', (path, role, allowed) => {
    expect(mayOpen(role, path)).toBe(allowed);
  });

  it('has no area for public pages', () => {
    expect(areaOf('/')).toBeNull();
    expect(areaOf('/quan-lyx')).toBeNull();
  });

  it('sends staff to /quan-ly and shoppers to their account', () => {
    expect(landingFor('seller')).toBe('/quan-ly');
    expect(landingFor('admin')).toBe('/quan-ly');
    expect(landingFor('shopper')).toBe('/tai-khoan');
  });

  it('shows each role only the menu entries it may open, and admins every one', () => {
    expect(menuFor('market_manager').map((entry) => entry.key)).toEqual([
      'overview',
      'markets',
      'bills',
      'payers',
      'bill-runs',
      'statements',
      'exceptions',
      'reports',
      'refund-approvals',
    ]);
    expect(menuFor('seller').map((entry) => entry.key)).toEqual(['overview', 'products', 'orders', 'revenue']);
    expect(menuFor('biller_staff').map((entry) => entry.key)).toEqual([
      'overview',
      'bills',
      'payers',
      'bill-runs',
      'statements',
      'exceptions',
      'reports',
      'refund-approvals',
    ]);
    expect(menuFor('biller_staff').map((entry) => entry.key)).not.toContain('markets');
    // Admins see every entry but what belongs to one organization: a seller's own revenue, a
    // biller's payer list and its runs.
    expect(menuFor('admin')).toEqual(WORKSPACE_MENU.filter((entry) => !['revenue', 'payers', 'bill-runs'].includes(entry.key)));
    for (const role of ['seller', 'biller_staff', 'market_manager', 'admin'] as const) {
      for (const entry of menuFor(role)) expect(mayOpen(role, entry.href)).toBe(true);
    }
  });
});
