import { createSignal, Show } from 'solid-js';
import { addToCart, type CartLine } from './cart';
import { loadCart, saveCart } from './storage';

interface Props {
  product: Omit<CartLine, 'quantity'>;
  stock: number;
}

/** "Add to cart" on the product page: the only script the page loads. */
export default function AddToCart(props: Props) {
  const [quantity, setQuantity] = createSignal(1);
  const [added, setAdded] = createSignal(false);
  const add = (event: SubmitEvent) => {
    event.preventDefault();
    // Read the field itself: on a slow phone the shopper may type before the page is interactive.
    const typed = Number(new FormData(event.currentTarget as HTMLFormElement).get('quantity'));
    saveCart(addToCart(loadCart(), props.product, Number.isFinite(typed) && typed >= 1 ? typed : quantity()));
    setAdded(true);
  };
  return (
    <form class="add-to-cart" onSubmit={add}>
      <label for="quantity">Số lượng</label>
      <input
        id="quantity"
        name="quantity"
        type="number"
        inputmode="numeric"
        min="1"
        max={Math.min(props.stock, 1000)}
        value={quantity()}
        onInput={(e) => setQuantity(Math.max(1, Math.floor(Number(e.currentTarget.value)) || 1))}
      />
      <button class="button" type="submit" disabled={props.stock === 0}>
        Thêm vào giỏ
      </button>
      <p role="status" aria-live="polite">
        <Show when={added()}>
          Đã thêm vào giỏ. <a href="/gio-hang">Xem giỏ hàng và thanh toán</a>
        </Show>
      </p>
    </form>
  );
}
