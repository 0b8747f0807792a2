import { CART_STORAGE_KEY, type CartLine, parseCart } from './cart';

export function loadCart(): CartLine[] {
  try {
    return parseCart(localStorage.getItem(CART_STORAGE_KEY));
  } catch {
    return [];
  }
}

export function saveCart(cart: CartLine[]) {
  try {
    localStorage.setItem(CART_STORAGE_KEY, JSON.stringify(cart));
  } catch {
    // Private browsing with storage off: the cart lives only on this page.
  }
}
