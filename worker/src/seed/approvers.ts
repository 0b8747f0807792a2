import type { SeedUser } from './types.ts';

/**
 * Second people: a refund by bank transfer needs someone other than the person who asked
 * for it to approve it, so the school has an accountant beside its clerk.
 */
export const SEED_APPROVERS: SeedUser[] = [
  {
    id: 'usr_school_accountant',
    email: 'ketoan@choso.test',
    name: 'Phạm Thu Trang',
    role: 'biller_staff',
    organizationId: 'org_school_dinh_bang',
  },
];
