/**
 * Staff of an organization: an admin adds them with a one-time link to set a password (there
 * is no e-mail sending; the admin hands it over), and deactivates them when they leave.
 */
import {
  deactivateMember,
  findMember,
  findOrganization,
  findSetupLink,
  insertMember,
  type Member,
  replaceSetupLink,
  useSetupLink,
} from '../db/onboarding';
import type { Role } from '../db/users';
import { ORGANIZATION_KIND_NAMES, staffRolesFor } from '../domain/organization-kinds';
import { hashPassword } from '../domain/password';
import { passwordProblem } from '../domain/password-policy';
import { setupLinkExpiry, setupLinkPath, setupLinkState } from '../domain/setup-link';
import { newId, newSecretToken, sha256Hex } from '../domain/tokens';
import { ApiError, notFound } from '../errors';
import { claimFor, earlierResult } from './idempotency';

const ROLE_LABELS: Record<string, string> = {
  seller: 'người bán (seller)',
  biller_staff: 'nhân viên thu (biller_staff)',
  market_manager: 'ban quản lý chợ (market_manager)',
};

export interface SetupLink {
  url: string;
  expiresAt: string;
}

async function newLink(createdBy: string, now: Date) {
  const token = newSecretToken();
  const expiresAt = setupLinkExpiry(now);
  return { token, record: { tokenHash: await sha256Hex(token), createdBy, expiresAt }, link: { url: setupLinkPath(token), expiresAt } };
}

/**
 * Adds a member, once per Idempotency-Key. A retry with the same key and body finds the same
 * member and hands out a fresh link (the earlier one stops working), because only the hash of
 * a link is kept and a lost answer must not leave the admin without one.
 */
export async function addMember(
  db: D1Database,
  organizationId: string,
  input: { email: string; name: string; role: Role },
  idempotencyKey: string,
  adminId: string,
  now: Date,
): Promise<{ member: Member; setPasswordLink: SetupLink; created: boolean }> {
  const organization = await findOrganization(db, organizationId);
  if (!organization) throw notFound('Organization', 'organization_not_found');
  const allowed = staffRolesFor(organization.kind);
  if (!allowed.includes(input.role)) {
    const message = `Thành viên của ${ORGANIZATION_KIND_NAMES[organization.kind].toLowerCase()} chỉ có thể là ${allowed.map((r) => ROLE_LABELS[r]).join(' hoặc ')}`;
    throw new ApiError(400, 'validation_failed', 'Dữ liệu gửi lên chưa hợp lệ ở role', [{ path: 'role', message }]);
  }
  const claim = await claimFor(`admin-members:${organizationId}`, idempotencyKey, input);
  const fresh = await newLink(adminId, now);
  const nowIso = now.toISOString();

  const earlier = await earlierResult(db, claim);
  const memberId = earlier ?? newId('usr');
  if (!earlier) {
    const member = { id: memberId, organizationId, ...input, unusablePasswordHash: await hashPassword(newSecretToken()) };
    let winner: string | null;
    try {
      winner = await insertMember(db, member, fresh.record, claim, nowIso);
    } catch (error) {
      // Another request took the email between our check and our write.
      if (String(error).includes('UNIQUE constraint failed')) winner = null;
      else throw error;
    }
    if (winner === null) throw new ApiError(409, 'email_taken', `Email ${input.email} đã có tài khoản; hãy dùng một email khác`);
    if (winner === memberId) {
      return { member: (await findMember(db, organizationId, memberId))!, setPasswordLink: fresh.link, created: true };
    }
    await earlierResult(db, claim);
    return reissue(db, organizationId, winner, fresh, nowIso);
  }
  return reissue(db, organizationId, memberId, fresh, nowIso);
}

async function reissue(
  db: D1Database,
  organizationId: string,
  memberId: string,
  fresh: Awaited<ReturnType<typeof newLink>>,
  nowIso: string,
) {
  const member = await findMember(db, organizationId, memberId);
  if (!member) throw notFound('Member', 'member_not_found');
  if (member.status === 'deactivated' || !(await replaceSetupLink(db, organizationId, memberId, fresh.record, nowIso))) {
    throw new ApiError(409, 'member_deactivated', `${member.name} đã bị ngừng kích hoạt; không tạo liên kết mới`);
  }
  return { member, setPasswordLink: fresh.link, created: false };
}

/** A new link for a member who lost theirs (or whose link expired). */
export async function reissueLink(db: D1Database, organizationId: string, userId: string, adminId: string, now: Date) {
  const { created: _, ...answer } = await reissue(db, organizationId, userId, await newLink(adminId, now), now.toISOString());
  return answer;
}

/** Ends a member's access: no more sign-in, every session and open link ended. Doing it twice changes nothing. */
export async function deactivate(db: D1Database, organizationId: string, userId: string, now: Date): Promise<Member> {
  const member = await findMember(db, organizationId, userId);
  if (!member) throw notFound('Member', 'member_not_found');
  if (member.status !== 'deactivated') await deactivateMember(db, organizationId, userId, now.toISOString());
  return (await findMember(db, organizationId, userId))!;
}

const LINK_PROBLEMS = {
  used: ['setup_link_used', 'Liên kết đặt mật khẩu này đã được dùng. Hãy đăng nhập, hoặc xin quản trị viên một liên kết mới.'],
  expired: ['setup_link_expired', 'Liên kết đặt mật khẩu này đã hết hạn (sau 72 giờ). Hãy xin quản trị viên một liên kết mới.'],
  revoked: ['setup_link_revoked', 'Liên kết đặt mật khẩu này không còn hiệu lực. Hãy xin quản trị viên một liên kết mới.'],
} as const;

function linkProblem(state: keyof typeof LINK_PROBLEMS): ApiError {
  const [code, message] = LINK_PROBLEMS[state];
  return new ApiError(400, code, message, [{ path: 'token', message }]);
}

/** The member a usable link belongs to, for the page that asks for the new password. */
export async function inspectSetupLink(db: D1Database, token: string, now: Date): Promise<{ email: string; name: string }> {
  const record = await findSetupLink(db, await sha256Hex(token));
  if (!record) throw notFound('liên kết đặt mật khẩu', 'setup_link_not_found');
  const state = record.deactivatedAt ? 'revoked' : setupLinkState(record, now.toISOString());
  if (state !== 'usable') throw linkProblem(state);
  return { email: record.email, name: record.name };
}

/** Sets the password under the sign-up policy and uses the link up, once. */
export async function setPasswordFromLink(db: D1Database, token: string, password: string, now: Date): Promise<{ email: string }> {
  const member = await inspectSetupLink(db, token, now);
  const problem = await passwordProblem(password, member);
  if (problem)
    throw new ApiError(400, 'validation_failed', 'Dữ liệu gửi lên chưa hợp lệ ở password', [{ path: 'password', message: problem }]);
  if (!(await useSetupLink(db, await sha256Hex(token), await hashPassword(password), now.toISOString()))) throw linkProblem('used');
  return { email: member.email };
}
