import { describe, expect, it } from 'vitest';
import { type CartChange, type CartItem, cartCookie, cartFromCookieHeader, changeCart, readCart, writeCart } from './cart';

const banh = (quantity: number): CartItem => ({ productId: 'prd_banh', quantity });
const gom = (quantity: number): CartItem => ({ productId: 'prd_gom', quantity });

describe('the cart in its cookie', () => {
  it.each<[string, CartItem[], CartChange, CartItem[], string | null]>([
    ['adding to an empty cart', [], { action: 'add', productId: 'prd_banh', quantity: 2 }, [banh(2)], null],
    ['adding the same product adds up', [banh(2)], { action: 'add', productId: 'prd_banh', quantity: 3 }, [banh(5)], null],
    [
      'a second seller’s product is a second line',
      [banh(1)],
      { action: 'add', productId: 'prd_gom', quantity: 1 },
      [banh(1), gom(1)],
      null,
    ],
    ['setting a quantity', [banh(1), gom(1)], { action: 'set', productId: 'prd_gom', quantity: 4 }, [banh(1), gom(4)], null],
    ['setting 0 removes the line', [banh(1), gom(1)], { action: 'set', productId: 'prd_banh', quantity: 0 }, [gom(1)], null],
    ['removing', [banh(1), gom(1)], { action: 'remove', productId: 'prd_gom' }, [banh(1)], null],
    ['fractions are rounded down', [], { action: 'add', productId: 'prd_banh', quantity: 2.7 }, [banh(2)], null],
    [
      'more than 100 of one product is capped, and said',
      [banh(99)],
      { action: 'add', productId: 'prd_banh', quantity: 5 },
      [banh(100)],
      'Mỗi sản phẩm đặt được tối đa 100 trong một đơn; giỏ hàng đã ghi 100.',
    ],
    [
      'a quantity that is not a number changes nothing',
      [banh(1)],
      { action: 'set', productId: 'prd_banh', quantity: Number.NaN },
      [banh(1)],
      'Số lượng phải là một số nguyên.',
    ],
    [
      'a malformed product id changes nothing',
      [banh(1)],
      { action: 'add', productId: 'x;y', quantity: 1 },
      [banh(1)],
      'Không tìm thấy sản phẩm này.',
    ],
  ])('%s', (_name, before, change, after, notice) => {
    expect(changeCart(before, change)).toEqual({ items: after, notice });
  });

  it('refuses a 21st product, saying why', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => ({ productId: `prd_${i}`, quantity: 1 }));
    const changed = changeCart(twenty, { action: 'add', productId: 'prd_more', quantity: 1 });
    expect(changed.items).toHaveLength(20);
    expect(changed.notice).toBe('Một đơn có tối đa 20 sản phẩm khác nhau; hãy đặt đơn này trước rồi mua tiếp.');
  });

  it.each<[string | null, CartItem[]]>([
    [null, []],
    ['', []],
    ['prd_banh:2~prd_gom:1', [banh(2), gom(1)]],
    ['prd_banh:2~prd_banh:7', [banh(2)]],
    ['prd_banh:0~prd_gom:-1~prd_x:abc~<script>:1', []],
    ['prd_banh:999', [banh(100)]],
  ])('reads %j as %j', (value, items) => {
    expect(readCart(value)).toEqual(items);
  });

  it('writes what it reads, and the cookie carries it', () => {
    expect(readCart(writeCart([banh(2), gom(1)]))).toEqual([banh(2), gom(1)]);
    expect(cartCookie([banh(2)], true)).toBe('choso_cart=prd_banh:2; Path=/; SameSite=Lax; Secure; Max-Age=2592000');
    expect(cartCookie([], false)).toBe('choso_cart=; Path=/; SameSite=Lax; Max-Age=0');
    expect(cartFromCookieHeader('choso_session=abc; choso_cart=prd_gom:3')).toEqual([gom(3)]);
  });
});
