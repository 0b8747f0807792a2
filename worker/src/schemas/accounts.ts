import { z } from '@hono/zod-openapi';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../domain/password-policy';

/** The fields of an account, shared by registration, sign-in and the set-password link. */
export const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'Email dài tối đa 254 ký tự')
  .pipe(z.email({ message: 'Hãy nhập một địa chỉ email hợp lệ, ví dụ lan@example.vn' }))
  .openapi({ example: 'shopper@choso.test' });

// A password is any text (spaces, accents and emoji included: no composition rules), checked
// against the NIST list of refused passwords in domain/password-policy.ts.
export const password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `Mật khẩu cần ít nhất ${MIN_PASSWORD_LENGTH} ký tự`)
  .max(MAX_PASSWORD_LENGTH, `Mật khẩu dài tối đa ${MAX_PASSWORD_LENGTH} ký tự`);
