/**
 * The shopping cart, kept in the browser (localStorage) until checkout. It holds what the
 * shopper chose and the price they saw; the server prices the order again at checkout and
 * never takes these numbers.
 */

export interface CartLine {
  productId: string;
  name: string;
  unit: string;
  /** The price shown when added, in whole đồng: for display only. */
  price: number;
  sellerName: string;
  quantity: number;
}

export const MAX_QUANTITY = 1000;
export const CART_STORAGE_KEY = 'choso.cart.v1';

/** @example addToCart([], { productId: "p", name: "Bánh", unit: "hộp", price: 55000, sellerName: "A" }, 2) */
export function addToCart(cart: CartLine[], item: Omit<CartLine, 'quantity'>, quantity = 1): CartLine[] {
  const existing = cart.find((line) => line.productId === item.productId);
  if (existing) return setQuantity(cart, item.productId, existing.quantity + quantity);
  return [...cart, { ...item, quantity: Math.min(MAX_QUANTITY, Math.max(1, Math.floor(quantity))) }];
}

/** Sets a line's quantity; zero or less removes it. */
export function setQuantity(cart: CartLine[], productId: string, quantity: number): CartLine[] {
  const whole = Math.floor(quantity);
  if (!(whole >= 1)) return cart.filter((line) => line.productId !== productId);
  return cart.map((line) => (line.productId === productId ? { ...line, quantity: Math.min(MAX_QUANTITY, whole) } : line));
}

export function cartTotal(cart: CartLine[]): number {
  return cart.reduce((total, line) => total + line.price * line.quantity, 0);
}

export function cartCount(cart: CartLine[]): number {
  return cart.reduce((count, line) => count + line.quantity, 0);
}

/** Reads a stored cart, dropping anything malformed rather than failing the page. */
export function parseCart(text: string | null): CartLine[] {
  if (!text) return [];
  try {
    const value = JSON.parse(text) as unknown;
    if (!Array.isArray(value)) return [];
    return value.filter(
      (line): line is CartLine =>
        typeof line === 'object' &&
        line !== null &&
        typeof line.productId === 'string' &&
        typeof line.name === 'string' &&
        typeof line.unit === 'string' &&
        typeof line.sellerName === 'string' &&
        Number.isSafeInteger(line.price) &&
        Number.isSafeInteger(line.quantity) &&
        line.quantity >= 1,
    );
  } catch {
    return [];
  }
}
