/**
 * Shapes of the dev seed. The seed is plain data so that the Node seeding
 * script and the tests (inside workerd) load exactly the same catalogue.
 * This module and the data modules import nothing, so Node can run them
 * directly with type stripping.
 */

export type ProducerKind = 'cooperative' | 'cooperative_group' | 'enterprise' | 'household';
export type BillerKind = 'market_board' | 'school' | 'hospital' | 'commune_office' | 'utility';

export type CategorySlug = 'food' | 'beverages' | 'herbs' | 'textiles' | 'handicrafts' | 'tourism';

export interface SeedBankAccount {
  /** NAPAS bank BIN, 6 digits, e.g. 970436 for Vietcombank. */
  bin: string;
  accountNo: string;
  /** Upper-case, unaccented, as banks print it: "HTX GOM PHU LANG". */
  accountName: string;
}

export interface SeedOrganization {
  /** Fixed id, e.g. "org_htx_phu_lang". Stable so that re-seeding changes nothing. */
  id: string;
  kind: ProducerKind | BillerKind;
  name: string;
  description: string;
  /** Commune / ward (xã / phường) after the 2025 merger, e.g. "Phù Lãng". */
  commune: string;
  province: string;
  address: string;
  phone: string;
  bank: SeedBankAccount;
}

export interface SeedOcop {
  stars: 3 | 4 | 5;
  /** Decision number of the certificate, e.g. "1234/QĐ-UBND". */
  certificateNo: string;
  /** ISO date YYYY-MM-DD. */
  issuedAt: string;
  /** ISO date; omitted means 36 months after issuedAt. */
  expiresAt?: string;
}

export interface SeedProduct {
  /** Fixed id, e.g. "prd_banh_phu_the_dinh_bang". */
  id: string;
  sellerId: string;
  name: string;
  description: string;
  category: CategorySlug;
  /** Whole đồng, integer > 0. */
  price: number;
  unit: string;
  stock: number;
  status: 'draft' | 'active' | 'archived';
  ocop: SeedOcop | null;
  /** ISO timestamp; fixes the "newest" order of the seed. */
  createdAt: string;
}

export interface SeedUser {
  id: string;
  email: string;
  name: string;
  role: 'shopper' | 'seller' | 'biller_staff' | 'market_manager' | 'admin';
  organizationId: string | null;
}
