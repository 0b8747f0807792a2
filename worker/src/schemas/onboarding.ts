import { z } from '@hono/zod-openapi';
import { ORGANIZATION_KINDS } from '../domain/organization-kinds';
import { email } from './accounts';
import { multiLine, singleLine, token } from './text';

export const IdempotencyHeader = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    .openapi({ description: 'Required: a fresh random value per creation, reused on retries' }),
});

const BankAccountInput = z
  .strictObject({
    bin: z
      .string()
      .regex(/^[0-9]{6}$/, 'Mã BIN của ngân hàng gồm đúng 6 chữ số, ví dụ 970436 (Vietcombank)')
      .openapi({ example: '970405' }),
    accountNo: z
      .string()
      .regex(/^[0-9]{1,19}$/, 'Số tài khoản chỉ gồm chữ số, tối đa 19 chữ số')
      .openapi({ example: '2601205123456' }),
    accountName: singleLine(1, 100).openapi({ example: 'HTX NONG NGHIEP XA TAN YEN' }),
  })
  .openapi('BankAccountInput');

export const OrganizationCreateBody = z
  .strictObject({
    kind: z.enum(ORGANIZATION_KINDS),
    name: singleLine(1, 200).openapi({ example: 'HTX Nông nghiệp Tân Yên' }),
    description: multiLine(0, 2000).default(''),
    commune: singleLine(1, 100).openapi({ example: 'Tân Yên' }),
    province: singleLine(1, 100).openapi({ example: 'Bắc Ninh' }),
    address: singleLine(0, 300).default(''),
    phone: z
      .string()
      .regex(/^[0-9+ .-]{0,20}$/, 'Số điện thoại chỉ gồm chữ số, dấu cách, dấu chấm, gạch ngang hoặc +')
      .default(''),
    bankAccount: BankAccountInput.nullable().default(null).openapi({ description: 'Where the organization is paid; may be added later' }),
  })
  .openapi('OrganizationCreate');

export const OrganizationSchema = z
  .object({
    id: z.string(),
    kind: z.enum(ORGANIZATION_KINDS),
    name: z.string(),
    description: z.string(),
    commune: z.string(),
    province: z.string(),
    address: z.string(),
    phone: z.string(),
    bankAccount: z.object({ bin: z.string(), accountNo: z.string(), accountName: z.string() }).nullable(),
    memberCount: z.number().int(),
    createdAt: z.string(),
  })
  .openapi('Organization');

export const OrganizationListQuery = z.object({ kind: z.enum(ORGANIZATION_KINDS).optional() });

export const OrganizationIdParam = z.object({
  id: token(64).openapi({ param: { name: 'id', in: 'path' }, example: 'org_htx_phu_lang' }),
});

export const MemberParams = z.object({
  id: token(64).openapi({ param: { name: 'id', in: 'path' }, example: 'org_htx_phu_lang' }),
  userId: token(64).openapi({ param: { name: 'userId', in: 'path' }, example: 'usr_seller' }),
});

export const MemberCreateBody = z
  .strictObject({
    email,
    name: singleLine(1, 100).openapi({ example: 'Nguyễn Thị Hoa' }),
    role: z.enum(['seller', 'biller_staff', 'market_manager']),
  })
  .openapi('MemberCreate');

export const MemberSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(['shopper', 'seller', 'biller_staff', 'market_manager', 'admin']),
    status: z.enum(['active', 'invited', 'deactivated']),
    createdAt: z.string(),
    deactivatedAt: z.string().nullable(),
  })
  .openapi('Member');

export const SetupLinkSchema = z
  .object({
    url: z.string().openapi({ description: 'Hand it to the member: it works once, for 72 hours', example: '/dat-mat-khau?token=…' }),
    expiresAt: z.string(),
  })
  .openapi('SetPasswordLink');

export const MemberWithLinkSchema = z.object({ member: MemberSchema, setPasswordLink: SetupLinkSchema }).openapi('MemberWithLink');

export const ProductHideBody = z
  .strictObject({ reason: singleLine(3, 500).openapi({ example: 'Ảnh sản phẩm không đúng thực tế' }) })
  .openapi('ProductHide');
