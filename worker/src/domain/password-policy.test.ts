import { describe, expect, it } from 'vitest';
import { passwordProblem } from './password-policy';

const lan = { email: 'lan.nguyen@example.vn', name: 'Nguyễn Thị Lan' };

describe('passwordProblem', () => {
  it.each([
    ['1234567', /ít nhất 8/],
    ['aaaaaaaa', /lặp lại/],
    ['abcdefgh', /lặp lại/],
    ['password', /phổ biến/],
    ['PASSWORD', /phổ biến/],
    ['football', /phổ biến/],
    ['sunshine', /phổ biến/],
    ['lan.nguyen@example.vn', /email hay tên/],
    ['lannguyen', /email hay tên/],
    ['123lan.nguyen', /email hay tên/],
    ['nguyễn thị lan', /email hay tên/],
    ['Choso123', /Chợ Số/],
    ['x'.repeat(129), /tối đa 128/],
  ])('refuses %j', async (password, reason) => {
    expect(await passwordProblem(password, lan)).toMatch(reason);
  });

  it.each([['mật khẩu dài'], ['correct horse battery staple'], ['Lan ơi về ăn cơm'], ['12345679x'], ['abababab']])(
    'accepts %j',
    async (password) => {
      expect(await passwordProblem(password, lan)).toBeNull();
    },
  );

  it('counts characters, not bytes: 8 Vietnamese letters are enough', async () => {
    expect(await passwordProblem('ắằẳẵặăâấ', lan)).toBeNull();
  });
});
