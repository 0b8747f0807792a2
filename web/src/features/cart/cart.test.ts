import { describe, expect, it } from 'vitest';
import { addToCart, type CartLine, cartCount, cartTotal, parseCart, setQuantity } from './cart';

const banh = { productId: 'prd_banh', name: 'Bánh phu thê', unit: 'hộp', price: 55000, sellerName: 'Đình Bảng' };
const gom = { productId: 'prd_gom', name: 'Bình gốm', unit: 'chiếc', price: 850000, sellerName: 'Phù Lãng' };

describe('cart', () => {
  it.each<[string, () => CartLine[], number, number]>([
    ['empty', () => [], 0, 0],
    ['one line', () => addToCart([], banh, 2), 110000, 2],
    ['same product twice adds up', () => addToCart(addToCart([], banh), banh, 3), 220000, 4],
    ['two sellers', () => addToCart(addToCart([], banh), gom), 905000, 2],
    ['quantity set to 0 removes', () => setQuantity(addToCart([], banh, 2), 'prd_banh', 0), 0, 0],
    ['quantity capped at 1000', () => setQuantity(addToCart([], banh), 'prd_banh', 5000), 55_000_000, 1000],
    ['fractions rounded down', () => setQuantity(addToCart([], banh), 'prd_banh', 2.7), 110000, 2],
  ])('%s → total %i, count %i', (_name, build, total, count) => {
    const cart = build();
    expect(cartTotal(cart)).toBe(total);
    expect(cartCount(cart)).toBe(count);
  });

  it.each([
    [null, 0],
    ['not json', 0],
    ['{"a":1}', 0],
    ['[{"productId":"p","name":"n","unit":"u","sellerName":"s","price":1.5,"quantity":1}]', 0],
    ['[{"productId":"p","name":"n","unit":"u","sellerName":"s","price":1000,"quantity":2}]', 1],
  ])('parses stored %j into %i lines', (text, lines) => {
    expect(parseCart(text)).toHaveLength(lines);
  });
});
