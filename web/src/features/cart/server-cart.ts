/**
 * The cart page's server side: the cookie's cart priced from the catalogue, and checkout as
 * a form post. Checkout goes through the same API as any client (features/cart/checkout.ts):
 * the order made for this cart is remembered in an HttpOnly cookie with its payment's
 * Idempotency-Key, so a double tap or a reload of the post never makes a second order.
 */
import { findProducts, isInPublicCatalogue } from '#worker/db/products';
import { callApi } from '../../lib/api';
import type { CartItem } from './cart';
import { type CheckoutAttempt, CheckoutError, type CheckoutInput, checkout } from './checkout';

export interface PricedLine {
  productId: string;
  name: string;
  unit: string;
  price: number;
  quantity: number;
  subtotal: number;
  stock: number;
}

export interface SellerGroup {
  sellerId: string;
  sellerName: string;
  lines: PricedLine[];
}

export interface PricedCart {
  /** What can be ordered, by seller: each seller ships its own part of the order. */
  sellers: SellerGroup[];
  /** What the cookie held that is no longer sold, for the cart to drop. */
  dropped: number;
  /** What can be ordered, as it stands in the catalogue now. */
  items: CartItem[];
  total: number;
}

/** The cart with today's prices and stock; products no longer sold are left out. */
export async function priceCart(db: D1Database, items: readonly CartItem[], today: string): Promise<PricedCart> {
  const products = new Map(
    (
      await findProducts(
        db,
        items.map((item) => item.productId),
        today,
      )
    ).map((p) => [p.id, p]),
  );
  const sellers = new Map<string, SellerGroup>();
  const kept: CartItem[] = [];
  let total = 0;
  for (const item of items) {
    const product = products.get(item.productId);
    if (!product || !isInPublicCatalogue(product) || product.stock < 1) continue;
    kept.push(item);
    const subtotal = product.price * item.quantity;
    total += subtotal;
    const group = sellers.get(product.seller.id) ?? { sellerId: product.seller.id, sellerName: product.seller.name, lines: [] };
    group.lines.push({
      productId: product.id,
      name: product.name,
      unit: product.unit,
      price: product.price,
      quantity: item.quantity,
      subtotal,
      stock: product.stock,
    });
    sellers.set(product.seller.id, group);
  }
  return { sellers: [...sellers.values()], dropped: items.length - kept.length, items: kept, total };
}

export const CHECKOUT_COOKIE = 'choso_checkout';
/** An unpaid order holds its stock for 30 minutes; the attempt is not needed longer. */
const CHECKOUT_MAX_AGE_SECONDS = 30 * 60;

function readAttempt(cookieHeader: string | null): CheckoutAttempt | null {
  const raw = (cookieHeader ?? '').split(/;\s*/).find((pair) => pair.startsWith(`${CHECKOUT_COOKIE}=`));
  if (!raw) return null;
  try {
    const value = JSON.parse(decodeURIComponent(raw.slice(CHECKOUT_COOKIE.length + 1))) as CheckoutAttempt;
    const valid = typeof value.signature === 'string' && typeof value.orderId === 'string' && typeof value.orderToken === 'string';
    return valid && typeof value.keys === 'object' && value.keys !== null ? value : null;
  } catch {
    return null;
  }
}

function attemptCookie(attempt: CheckoutAttempt | null, secure: boolean): string {
  const flags = `Path=/gio-hang; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
  if (!attempt) return `${CHECKOUT_COOKIE}=; ${flags}; Max-Age=0`;
  return `${CHECKOUT_COOKIE}=${encodeURIComponent(JSON.stringify(attempt))}; ${flags}; Max-Age=${CHECKOUT_MAX_AGE_SECONDS}`;
}

export type CheckoutOutcome = { paymentId: string; setCookie: string } | { error: string; setCookie: string };

/** Places the order for the cart and starts its payment, through our own API as the visitor. */
export async function checkoutCart(request: Request, input: CheckoutInput): Promise<CheckoutOutcome> {
  const secure = new URL(request.url).protocol === 'https:';
  let attempt = readAttempt(request.headers.get('Cookie'));
  const deps = {
    fetch: (path: string, init: RequestInit) => callApi(request, path, init, { asUser: true }),
    load: () => attempt,
    save: (next: CheckoutAttempt | null) => {
      attempt = next;
    },
    newKey: () => crypto.randomUUID(),
  };
  try {
    const paymentId = await checkout(deps, input);
    return { paymentId, setCookie: attemptCookie(null, secure) };
  } catch (error) {
    if (!(error instanceof CheckoutError)) throw error;
    return { error: error.message, setCookie: attemptCookie(attempt, secure) };
  }
}
