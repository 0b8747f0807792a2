/**
 * Demo bills, one or more of every type, open so that a newcomer can pay them. Each code is
 * a fixed 9-character payload plus its check character (computed in statements.ts), so the
 * codes never change and the README can list them.
 */
export interface SeedBill {
  id: string;
  codePayload: string;
  billerId: string;
  // Written out rather than imported: Node runs the seed data without the Workers types.
  type: 'market_fee' | 'tuition' | 'hospital' | 'admin_fee' | 'electricity' | 'water';
  payerName: string;
  payerRef: string;
  description: string;
  amount: number;
  dueDate: string;
}

export const SEED_BILLS: SeedBill[] = [
  {
    id: 'bil_demo_tuition_an',
    codePayload: 'HP8A26DBA',
    billerId: 'org_school_dinh_bang',
    type: 'tuition',
    payerName: 'Nguyễn Văn An',
    payerRef: 'HS-2026-0142',
    description: 'Học phí tháng 12/2026, lớp 8A',
    amount: 350000,
    dueDate: '2026-12-15',
  },
  {
    id: 'bil_demo_tuition_ngoc',
    codePayload: 'BT8C26DBN',
    billerId: 'org_school_dinh_bang',
    type: 'tuition',
    payerName: 'Trần Thị Bích Ngọc',
    payerRef: 'HS-2026-0217',
    description: 'Tiền ăn bán trú tháng 12/2026, lớp 8C',
    amount: 480000,
    dueDate: '2026-12-15',
  },
  {
    id: 'bil_demo_stall_a12',
    codePayload: 'KQAHT2526',
    billerId: 'org_market_board',
    type: 'market_fee',
    payerName: 'Lê Văn Hùng',
    payerRef: 'A12',
    description: 'Phí chợ ki-ốt A12 tháng 12/2026',
    amount: 300000,
    dueDate: '2026-12-10',
  },
  {
    id: 'bil_demo_stall_b07',
    codePayload: 'KQBTM2526',
    billerId: 'org_market_board',
    type: 'market_fee',
    payerName: 'Phạm Thị Mai',
    payerRef: 'B07',
    description: 'Phí chợ ki-ốt B07 tháng 12/2026',
    amount: 250000,
    dueDate: '2026-12-10',
  },
  {
    id: 'bil_demo_hospital',
    codePayload: 'VPBNH2628',
    billerId: 'org_hospital',
    type: 'hospital',
    payerName: 'Hoàng Văn Tuấn',
    payerRef: 'BN-2026-08812',
    description: 'Viện phí khám và điều trị ngoại trú',
    amount: 1250000,
    dueDate: '2026-12-31',
  },
  {
    id: 'bil_demo_admin_fee',
    codePayload: 'HCCTD2637',
    billerId: 'org_commune_office',
    type: 'admin_fee',
    payerName: 'Đỗ Thị Lan',
    payerRef: 'HS-CT-2026-377',
    description: 'Lệ phí chứng thực hồ sơ đất đai',
    amount: 50000,
    dueDate: '2026-12-20',
  },
  // A household with two water bills open and a neighbour with one: a resident who types
  // their customer code sees both of theirs and none of the neighbour's.
  {
    id: 'bil_demo_water_hoa_nov',
    codePayload: 'NBNKH2345',
    billerId: 'org_water_bac_ninh',
    type: 'water',
    payerName: 'Nguyễn Thị Hoa',
    payerRef: 'KH0012345',
    description: 'Tiền nước tháng 11/2026 (chỉ số 1.204 → 1.218, 14 m³)',
    amount: 187000,
    dueDate: '2026-12-20',
  },
  {
    id: 'bil_demo_water_hoa_oct',
    codePayload: 'NBNKH2346',
    billerId: 'org_water_bac_ninh',
    type: 'water',
    payerName: 'Nguyễn Thị Hoa',
    payerRef: 'KH0012345',
    description: 'Tiền nước tháng 10/2026 (chỉ số 1.192 → 1.204, 12 m³)',
    amount: 163000,
    dueDate: '2026-11-20',
  },
  {
    id: 'bil_demo_water_binh_nov',
    codePayload: 'NBNKH2347',
    billerId: 'org_water_bac_ninh',
    type: 'water',
    payerName: 'Trần Văn Bình',
    payerRef: 'KH0012388',
    description: 'Tiền nước tháng 11/2026 (chỉ số 860 → 878, 18 m³)',
    amount: 241000,
    dueDate: '2026-12-20',
  },
];
