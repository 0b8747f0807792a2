/**
 * The shopping cart: which products, how many of each. It lives in one cookie, so that the
 * same cart works with JavaScript (the product page's island writes the cookie) and without
 * it (a form post, for phones whose proxy browser runs no scripts), and the server renders
 * it. It holds no price: the cart page and the order are always priced by the server.
 */
import { MAX_LINES_PER_ORDER, MAX_QUANTITY_PER_LINE } from '#worker/domain/order-limits';

export const CART_COOKIE = 'choso_cart';
/** A cart is kept for 30 days, like a shop's basket left at the counter. */
const CART_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;
const PRODUCT_ID = /^[a-z0-9_-]{1,64}$/;

export interface CartItem {
  productId: string;
  quantity: number;
}

export type CartChange =
  | { action: 'add'; productId: string; quantity: number }
  | { action: 'set'; productId: string; quantity: number }
  | { action: 'remove'; productId: string };

export interface ChangedCart {
  items: CartItem[];
  /** Why the change was not made in full, in Vietnamese; null when it was. */
  notice: string | null;
}

/**
 * The cart a cookie holds, dropping anything malformed rather than failing the page.
 * @example readCart('prd_banh:2~prd_gom:1') // [{ productId: 'prd_banh', quantity: 2 }, { productId: 'prd_gom', quantity: 1 }]
 */
export function readCart(value: string | undefined | null): CartItem[] {
  const items: CartItem[] = [];
  for (const part of (value ?? '').slice(0, 4000).split('~')) {
    const [productId = '', count = ''] = part.split(':');
    const quantity = Number(count);
    if (!PRODUCT_ID.test(productId) || !/^\d{1,3}$/.test(count) || quantity < 1) continue;
    if (items.some((item) => item.productId === productId) || items.length >= MAX_LINES_PER_ORDER) continue;
    items.push({ productId, quantity: Math.min(quantity, MAX_QUANTITY_PER_LINE) });
  }
  return items;
}

/** @example writeCart([{ productId: 'prd_banh', quantity: 2 }]) // 'prd_banh:2' */
export function writeCart(items: readonly CartItem[]): string {
  return items.map((item) => `${item.productId}:${item.quantity}`).join('~');
}

/** The `Set-Cookie` value that stores a cart (empty: removes it). Not HttpOnly: the island writes it too. */
export function cartCookie(items: readonly CartItem[], secure: boolean): string {
  const flags = `Path=/; SameSite=Lax${secure ? '; Secure' : ''}`;
  if (items.length === 0) return `${CART_COOKIE}=; ${flags}; Max-Age=0`;
  return `${CART_COOKIE}=${writeCart(items)}; ${flags}; Max-Age=${CART_MAX_AGE_SECONDS}`;
}

/** The cart cookie's value from a `Cookie` header (or `document.cookie`). */
export function cartFromCookieHeader(header: string | null): CartItem[] {
  const match = (header ?? '').split(/;\s*/).find((pair) => pair.startsWith(`${CART_COOKIE}=`));
  return readCart(match?.slice(CART_COOKIE.length + 1));
}

/** Applies one change, within the order limits, saying what it could not do. */
export function changeCart(items: readonly CartItem[], change: CartChange): ChangedCart {
  if (!PRODUCT_ID.test(change.productId)) return { items: [...items], notice: 'Không tìm thấy sản phẩm này.' };
  const existing = items.find((item) => item.productId === change.productId);
  if (change.action === 'remove') return { items: items.filter((item) => item !== existing), notice: null };
  const asked = Math.floor(change.quantity);
  if (!Number.isFinite(asked)) return { items: [...items], notice: 'Số lượng phải là một số nguyên.' };
  const wanted = change.action === 'add' ? (existing?.quantity ?? 0) + asked : asked;
  if (wanted < 1) return { items: items.filter((item) => item !== existing), notice: null };
  const quantity = Math.min(wanted, MAX_QUANTITY_PER_LINE);
  const notice =
    quantity < wanted ? `Mỗi sản phẩm đặt được tối đa ${MAX_QUANTITY_PER_LINE} trong một đơn; giỏ hàng đã ghi ${quantity}.` : null;
  if (existing) return { items: items.map((item) => (item === existing ? { ...item, quantity } : item)), notice };
  if (items.length >= MAX_LINES_PER_ORDER) {
    return {
      items: [...items],
      notice: `Một đơn có tối đa ${MAX_LINES_PER_ORDER} sản phẩm khác nhau; hãy đặt đơn này trước rồi mua tiếp.`,
    };
  }
  return { items: [...items, { productId: change.productId, quantity }], notice };
}

/** Units in the cart, for the header's count. */
export function cartUnits(items: readonly CartItem[]): number {
  return items.reduce((count, item) => count + item.quantity, 0);
}
