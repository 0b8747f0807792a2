/**
 * The kinds of organization the platform serves and which staff role each one's members
 * take: the one place that decides what an admin may create and add (the migration's CHECK on
 * organizations.kind lists the same kinds; schema-lists.test.ts holds them equal).
 */
import type { Role } from '../db/users';

export const PRODUCER_KINDS = ['cooperative', 'cooperative_group', 'enterprise', 'household'] as const;
export const BILLER_KINDS = ['market_board', 'school', 'hospital', 'commune_office', 'utility'] as const;
export const ORGANIZATION_KINDS = [...PRODUCER_KINDS, ...BILLER_KINDS] as const;
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];

export const ORGANIZATION_KIND_NAMES: Record<OrganizationKind, string> = {
  cooperative: 'Hợp tác xã',
  cooperative_group: 'Tổ hợp tác',
  enterprise: 'Doanh nghiệp',
  household: 'Hộ sản xuất',
  market_board: 'Ban quản lý chợ',
  school: 'Trường học',
  hospital: 'Bệnh viện',
  commune_office: 'UBND xã, phường',
  utility: 'Công ty điện, nước',
};

/**
 * The staff roles a member of an organization of this kind may have. A producer's staff
 * sell; a market board has managers (markets, reconciliation) and cashiers (bills); the
 * other billers have bill staff. Admins belong to no organization.
 *
 * @example staffRolesFor('school') // ['biller_staff']
 */
export function staffRolesFor(kind: OrganizationKind): readonly Role[] {
  if ((PRODUCER_KINDS as readonly string[]).includes(kind)) return ['seller'];
  if (kind === 'market_board') return ['market_manager', 'biller_staff'];
  return ['biller_staff'];
}
