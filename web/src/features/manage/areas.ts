/**
 * Who may open which signed-in page, and what each role's menu shows: the one place that
 * decides it for the storefront (the API checks every request again on its own).
 *
 * An area is a path prefix; the longest prefix that matches a path decides. Each workspace
 * feature adds its pages here (one line each) and its menu entries to WORKSPACE_MENU.
 */
import type { Role } from '#worker/db/users';

export const ROLE_NAMES: Record<Role, string> = {
  shopper: 'người mua',
  seller: 'người bán',
  biller_staff: 'nhân viên đơn vị thu',
  market_manager: 'ban quản lý chợ',
  admin: 'quản trị viên',
};

/** The roles that work in /quan-ly; shoppers have /tai-khoan. */
export const STAFF_ROLES: readonly Role[] = ['seller', 'biller_staff', 'market_manager', 'admin'];
const ALL_ROLES: readonly Role[] = ['shopper', ...STAFF_ROLES];
const COLLECTORS: readonly Role[] = ['biller_staff', 'market_manager', 'admin'];
/** A biller's own staff: the payer list and its runs belong to one organization, so admins have none. */
const BILLER_STAFF: readonly Role[] = ['biller_staff', 'market_manager'];

export interface Area {
  prefix: string;
  roles: readonly Role[];
  /** Who the area is for, in words, for the page that turns others away. */
  audience: string;
}

export const AREAS: readonly Area[] = [
  { prefix: '/tai-khoan', roles: ALL_ROLES, audience: 'người đã đăng nhập' },
  { prefix: '/quan-ly', roles: STAFF_ROLES, audience: 'người bán, đơn vị thu, ban quản lý chợ và quản trị viên' },
  { prefix: '/quan-ly/cho', roles: ['market_manager', 'admin'], audience: 'ban quản lý chợ' },
  { prefix: '/quan-ly/sao-ke', roles: COLLECTORS, audience: 'đơn vị thu và ban quản lý chợ' },
  { prefix: '/quan-ly/ngoai-le', roles: COLLECTORS, audience: 'đơn vị thu và ban quản lý chợ' },
  { prefix: '/quan-ly/bao-cao', roles: COLLECTORS, audience: 'đơn vị thu và ban quản lý chợ' },
  { prefix: '/quan-ly/don-hang', roles: ['seller', 'admin'], audience: 'người bán' },
  { prefix: '/quan-ly/doanh-thu', roles: ['seller'], audience: 'người bán' },
  { prefix: '/quan-ly/chi-tra', roles: ['admin'], audience: 'quản trị viên' },
  { prefix: '/quan-ly/san-pham', roles: ['seller', 'admin'], audience: 'người bán' },
  { prefix: '/quan-ly/to-chuc', roles: ['admin'], audience: 'quản trị viên' },
  { prefix: '/quan-ly/kiem-duyet', roles: ['admin'], audience: 'quản trị viên' },
  { prefix: '/quan-ly/hoa-don', roles: COLLECTORS, audience: 'đơn vị thu và ban quản lý chợ' },
  { prefix: '/quan-ly/hoa-don/nguoi-nop', roles: BILLER_STAFF, audience: 'nhân viên đơn vị thu và ban quản lý chợ' },
  { prefix: '/quan-ly/hoa-don/dot-thu', roles: BILLER_STAFF, audience: 'nhân viên đơn vị thu và ban quản lý chợ' },
  { prefix: '/quan-ly/duyet-hoan-tien', roles: COLLECTORS, audience: 'đơn vị thu và ban quản lý chợ' },
];

/** The area a path belongs to (longest prefix), or null for a public page. */
export function areaOf(pathname: string): Area | null {
  let best: Area | null = null;
  for (const area of AREAS) {
    const inside = pathname === area.prefix || pathname.startsWith(`${area.prefix}/`);
    if (inside && (best === null || area.prefix.length > best.prefix.length)) best = area;
  }
  return best;
}

export function mayOpen(role: Role, pathname: string): boolean {
  const area = areaOf(pathname);
  return area === null || area.roles.includes(role);
}

/** Where a role's work is: staff to /quan-ly, shoppers to their account. */
export function landingFor(role: Role): string {
  return STAFF_ROLES.includes(role) ? '/quan-ly' : '/tai-khoan';
}

export interface MenuEntry {
  /** Matches a page's `current` prop. */
  key: string;
  href: string;
  label: string;
  roles: readonly Role[];
}

/** The /quan-ly menu, in order; each role sees the entries it may open. */
export const WORKSPACE_MENU: readonly MenuEntry[] = [
  { key: 'overview', href: '/quan-ly', label: 'Tổng quan', roles: STAFF_ROLES },
  { key: 'markets', href: '/quan-ly/cho', label: 'Chợ và ki-ốt', roles: ['market_manager', 'admin'] },
  { key: 'bills', href: '/quan-ly/hoa-don', label: 'Hoá đơn', roles: COLLECTORS },
  { key: 'payers', href: '/quan-ly/hoa-don/nguoi-nop', label: 'Người nộp', roles: BILLER_STAFF },
  { key: 'bill-runs', href: '/quan-ly/hoa-don/dot-thu', label: 'Đợt thu', roles: BILLER_STAFF },
  { key: 'statements', href: '/quan-ly/sao-ke', label: 'Sao kê ngân hàng', roles: COLLECTORS },
  { key: 'exceptions', href: '/quan-ly/ngoai-le', label: 'Ngoại lệ', roles: COLLECTORS },
  { key: 'reports', href: '/quan-ly/bao-cao', label: 'Báo cáo ngày', roles: COLLECTORS },
  { key: 'products', href: '/quan-ly/san-pham', label: 'Sản phẩm', roles: ['seller', 'admin'] },
  { key: 'orders', href: '/quan-ly/don-hang', label: 'Đơn hàng', roles: ['seller', 'admin'] },
  { key: 'revenue', href: '/quan-ly/doanh-thu', label: 'Doanh thu', roles: ['seller'] },
  { key: 'payouts', href: '/quan-ly/chi-tra', label: 'Chi trả cho người bán', roles: ['admin'] },
  { key: 'organizations', href: '/quan-ly/to-chuc', label: 'Tổ chức và thành viên', roles: ['admin'] },
  { key: 'moderation', href: '/quan-ly/kiem-duyet', label: 'Kiểm duyệt sản phẩm', roles: ['admin'] },
  { key: 'refund-approvals', href: '/quan-ly/duyet-hoan-tien', label: 'Duyệt hoàn tiền', roles: COLLECTORS },
];

export const menuFor = (role: Role): MenuEntry[] =>
  WORKSPACE_MENU.filter((entry) => entry.roles.includes(role) && mayOpen(role, entry.href));
