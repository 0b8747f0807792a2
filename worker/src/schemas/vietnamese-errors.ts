import { z } from '@hono/zod-openapi';

/**
 * Zod's messages in Vietnamese, set once for every schema of the worker and the pages (they
 * share one zod). A schema's own message wins; this covers the rest. The field itself is named
 * by the `path` of each detail in the error answer.
 */

const TYPE_NAMES: Record<string, string> = {
  string: 'chữ',
  number: 'số',
  int: 'số nguyên',
  boolean: 'true hoặc false',
  object: 'một đối tượng JSON',
  array: 'một danh sách',
  date: 'một ngày',
  null: 'null',
  undefined: 'không có gì',
};

const typeName = (type: string) => TYPE_NAMES[type] ?? type;

function receivedType(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  if (typeof input === 'number' && !Number.isFinite(input)) return 'NaN';
  return typeof input;
}

const formatNumber = (value: number | bigint) =>
  typeof value === 'number' && Number.isSafeInteger(value) ? value.toLocaleString('vi-VN') : String(value);

export function vietnameseMessage(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'Thiếu trường bắt buộc này';
      if (issue.expected === 'int') return 'Cần là một số nguyên';
      return `Cần là ${typeName(issue.expected)}, không phải ${typeName(receivedType(issue.input))}`;
    case 'too_small': {
      const minimum = formatNumber(issue.minimum);
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'Không được để trống' : `Cần ít nhất ${minimum} ký tự`;
      if (issue.origin === 'array' || issue.origin === 'set') return `Cần ít nhất ${minimum} mục`;
      return issue.inclusive === false ? `Phải lớn hơn ${minimum}` : `Nhỏ nhất là ${minimum}`;
    }
    case 'too_big': {
      const maximum = formatNumber(issue.maximum);
      if (issue.origin === 'string') return `Dài tối đa ${maximum} ký tự`;
      if (issue.origin === 'array' || issue.origin === 'set') return `Tối đa ${maximum} mục`;
      if (issue.origin === 'file') return `Tệp tối đa ${maximum} byte`;
      return issue.inclusive === false ? `Phải nhỏ hơn ${maximum}` : `Lớn nhất là ${maximum}`;
    }
    case 'invalid_format':
      if (issue.format === 'email') return 'Email không hợp lệ';
      if (issue.format === 'url') return 'Địa chỉ web không hợp lệ';
      return 'Không đúng định dạng';
    case 'invalid_value':
      return issue.values.length === 1
        ? `Chỉ nhận ${JSON.stringify(issue.values[0])}`
        : `Chọn một trong: ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'unrecognized_keys':
      return `Không nhận trường ${issue.keys.map((key) => `“${key}”`).join(', ')}`;
    case 'invalid_union':
      return 'Không khớp với dạng nào được chấp nhận';
    case 'not_multiple_of':
      return `Cần là bội số của ${issue.divisor}`;
    case 'invalid_key':
    case 'invalid_element':
      return 'Có giá trị không hợp lệ bên trong';
    default:
      return 'Giá trị không hợp lệ';
  }
}

z.config({ localeError: vietnameseMessage });
