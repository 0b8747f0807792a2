/**
 * The demo market of the market board, with stalls a newcomer can run a fee run for.
 * Stall references are fixed (payload + check character computed in statements.ts).
 */
export interface SeedStall {
  id: string;
  code: string;
  traderName: string;
  traderPhone: string;
  monthlyFee: number;
  status: 'active' | 'vacant';
  /** 7 characters after "CS"; the check character is added when seeding. */
  referencePayload: string;
}

export const SEED_MARKET = {
  id: 'mkt_cho_chu',
  boardId: 'org_market_board',
  name: 'Chợ Chũ',
  address: 'Phường Chũ, tỉnh Bắc Ninh',
};

export const SEED_STALLS: SeedStall[] = [
  {
    id: 'stl_chu_a01',
    code: 'A01',
    traderName: 'Nguyễn Thị Hạnh',
    traderPhone: '0912 300 101',
    monthlyFee: 300000,
    status: 'active',
    referencePayload: 'KTA2XA2',
  },
  {
    id: 'stl_chu_a02',
    code: 'A02',
    traderName: 'Trần Văn Phúc',
    traderPhone: '0912 300 102',
    monthlyFee: 300000,
    status: 'active',
    referencePayload: 'KTA3XA3',
  },
  {
    id: 'stl_chu_a03',
    code: 'A03',
    traderName: 'Lê Thị Thu',
    traderPhone: '0912 300 103',
    monthlyFee: 350000,
    status: 'active',
    referencePayload: 'KTA4XA4',
  },
  {
    id: 'stl_chu_a04',
    code: 'A04',
    traderName: 'Phạm Văn Đức',
    traderPhone: '0912 300 104',
    monthlyFee: 350000,
    status: 'active',
    referencePayload: 'KTA5XA5',
  },
  {
    id: 'stl_chu_b01',
    code: 'B01',
    traderName: 'Hoàng Thị Lan',
    traderPhone: '0912 300 201',
    monthlyFee: 250000,
    status: 'active',
    referencePayload: 'KTB2XB2',
  },
  {
    id: 'stl_chu_b02',
    code: 'B02',
    traderName: 'Vũ Văn Hải',
    traderPhone: '0912 300 202',
    monthlyFee: 250000,
    status: 'active',
    referencePayload: 'KTB3XB3',
  },
  {
    id: 'stl_chu_b03',
    code: 'B03',
    traderName: 'Đỗ Thị Mai',
    traderPhone: '0912 300 203',
    monthlyFee: 250000,
    status: 'active',
    referencePayload: 'KTB4XB4',
  },
  { id: 'stl_chu_b04', code: 'B04', traderName: '', traderPhone: '', monthlyFee: 250000, status: 'vacant', referencePayload: 'KTB5XB5' },
  {
    id: 'stl_chu_c01',
    code: 'C01',
    traderName: 'Ngô Văn Tùng',
    traderPhone: '0912 300 301',
    monthlyFee: 200000,
    status: 'active',
    referencePayload: 'KTC2XC2',
  },
  {
    id: 'stl_chu_c02',
    code: 'C02',
    traderName: 'Bùi Thị Nga',
    traderPhone: '0912 300 302',
    monthlyFee: 200000,
    status: 'active',
    referencePayload: 'KTC3XC3',
  },
];
