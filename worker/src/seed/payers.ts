/**
 * The demo school's payer list: two classes of students with their Mã học sinh, so that a
 * newcomer can start a month's bill run at once (/quan-ly/hoa-don/dot-thu).
 */
export interface SeedPayer {
  id: string;
  billerId: string;
  payerRef: string;
  payerName: string;
  group: string;
  phone: string | null;
  amount: number;
}

const school = 'org_school_dinh_bang';

export const SEED_PAYERS: SeedPayer[] = [
  {
    id: 'pyr_demo_6a_01',
    billerId: school,
    payerRef: 'HS-2026-0601',
    payerName: 'Nguyễn Minh Anh',
    group: '6A',
    phone: '0912300601',
    amount: 350000,
  },
  {
    id: 'pyr_demo_6a_02',
    billerId: school,
    payerRef: 'HS-2026-0602',
    payerName: 'Trần Gia Bảo',
    group: '6A',
    phone: '0912300602',
    amount: 350000,
  },
  { id: 'pyr_demo_6a_03', billerId: school, payerRef: 'HS-2026-0603', payerName: 'Lê Thu Hà', group: '6A', phone: null, amount: 350000 },
  {
    id: 'pyr_demo_6b_01',
    billerId: school,
    payerRef: 'HS-2026-0651',
    payerName: 'Phạm Đức Huy',
    group: '6B',
    phone: '0912300651',
    amount: 350000,
  },
  {
    id: 'pyr_demo_6b_02',
    billerId: school,
    payerRef: 'HS-2026-0652',
    payerName: 'Đỗ Khánh Linh',
    group: '6B',
    phone: null,
    amount: 350000,
  },
  {
    id: 'pyr_demo_6b_03',
    billerId: school,
    payerRef: 'HS-2026-0653',
    payerName: 'Vũ Quang Minh',
    group: '6B',
    phone: '0912300653',
    amount: 350000,
  },
];
