import { createSignal, Show } from 'solid-js';
import { cartCookie, cartFromCookieHeader, changeCart } from './cart';

interface Props {
  productId: string;
  name: string;
  unit: string;
  stock: number;
}

/**
 * "Add to cart" on the product page. Without JavaScript the form posts to the cart page,
 * which adds to the cart cookie; with it, the island writes the same cookie and the shopper
 * stays on the product.
 */
export default function AddToCart(props: Props) {
  const [status, setStatus] = createSignal<{ text: string; added: boolean } | null>(null);
  const add = (event: SubmitEvent) => {
    event.preventDefault();
    // Read the field itself: on a slow phone the shopper may type before the page is interactive.
    const typed = Number(new FormData(event.currentTarget as HTMLFormElement).get('quantity'));
    const quantity = Number.isFinite(typed) && typed >= 1 ? typed : 1;
    const changed = changeCart(cartFromCookieHeader(document.cookie), { action: 'add', productId: props.productId, quantity });
    // biome-ignore lint/suspicious/noDocumentCookie: the cart is a plain cookie so that the server renders it; Cookie Store is missing on older Android browsers.
    document.cookie = cartCookie(changed.items, location.protocol === 'https:');
    setStatus({ text: changed.notice ?? `Đã thêm ${props.name} vào giỏ.`, added: changed.notice === null });
  };
  return (
    <form class="add-to-cart" method="post" action="/gio-hang" onSubmit={add}>
      <input type="hidden" name="action" value="add" />
      <input type="hidden" name="productId" value={props.productId} />
      <label for="quantity">Số lượng ({props.unit})</label>
      <input id="quantity" name="quantity" type="number" inputmode="numeric" min="1" max={Math.min(props.stock, 100)} value="1" />
      <button class="button" type="submit" disabled={props.stock === 0}>
        Thêm vào giỏ
      </button>
      <p role="status" aria-live="polite">
        <Show when={status()}>
          {(shown) => (
            <>
              {shown().text} <a href="/gio-hang">Xem giỏ hàng và thanh toán</a>
            </>
          )}
        </Show>
      </p>
    </form>
  );
}
