import { createSignal, For, onMount, Show } from 'solid-js';
import { formatVnd } from '#worker/domain/money';
import { type CartLine, cartTotal, setQuantity } from './cart';
import { type CheckoutAttempt, type CheckoutDeps, CheckoutError, checkout } from './checkout';
import { loadCart, saveCart } from './storage';

const ATTEMPT_KEY = 'choso.checkout.v1';

/** The checkout in progress: this page's copy, and sessionStorage's so that it survives a reload (never another tab's). */
let attemptInPage: CheckoutAttempt | null = null;
const browserDeps: CheckoutDeps = {
  fetch: (path, init) => fetch(path, init),
  load() {
    try {
      const saved = sessionStorage.getItem(ATTEMPT_KEY);
      if (saved) return JSON.parse(saved) as CheckoutAttempt;
    } catch {
      // Storage off or unreadable: this page's copy still keeps a retry from making a second order.
    }
    return attemptInPage;
  },
  save(attempt) {
    attemptInPage = attempt;
    try {
      if (attempt) sessionStorage.setItem(ATTEMPT_KEY, JSON.stringify(attempt));
      else sessionStorage.removeItem(ATTEMPT_KEY);
    } catch {
      // As above.
    }
  },
  newKey: () => crypto.randomUUID(),
};

/**
 * The cart and checkout. The order is priced again by the server; what is shown here is
 * the shopper's estimate. No optimistic step: we go to the payment page only once the
 * server has created the order and its payment. A retry reuses the order and its payment's
 * Idempotency-Key (features/cart/checkout.ts).
 */
export default function CartCheckout() {
  const [cart, setCart] = createSignal<CartLine[]>([]);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  onMount(() => setCart(loadCart()));

  const update = (productId: string, quantity: number) => {
    const next = setQuantity(cart(), productId, quantity);
    setCart(next);
    saveCart(next);
  };

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(null);
    try {
      const paymentId = await checkout(browserDeps, {
        items: cart().map((line) => ({ productId: line.productId, quantity: line.quantity })),
        buyer: {
          name: String(form.get('name') ?? ''),
          phone: String(form.get('phone') ?? ''),
          address: String(form.get('address') ?? ''),
        },
        method: form.get('method') === 'stripe' ? 'stripe' : 'vietqr',
      });
      saveCart([]);
      location.assign(`/thanh-toan/${paymentId}`);
    } catch (caught) {
      setError(
        caught instanceof CheckoutError
          ? caught.message
          : 'Không gửi được đơn hàng. Kiểm tra kết nối mạng rồi bấm lại: đơn hàng sẽ không bị tạo hai lần.',
      );
      setBusy(false);
    }
  };

  return (
    <Show
      when={cart().length > 0}
      fallback={
        <p class="notice">
          Giỏ hàng trống. <a href="/san-pham">Xem sản phẩm OCOP</a>
        </p>
      }
    >
      <ul class="cart-lines">
        <For each={cart()}>
          {(line) => (
            <li class="cart-line">
              <div>
                <a href={`/san-pham/${line.productId}`}>{line.name}</a>
                <br />
                <small>
                  {line.sellerName} · {formatVnd(line.price)} / {line.unit}
                </small>
              </div>
              <label class="visually-hidden" for={`q-${line.productId}`}>
                Số lượng {line.name}
              </label>
              <input
                id={`q-${line.productId}`}
                type="number"
                inputmode="numeric"
                min="0"
                max="1000"
                value={line.quantity}
                onChange={(e) => update(line.productId, Number(e.currentTarget.value))}
              />
              <button type="button" class="link-button" onClick={() => update(line.productId, 0)}>
                Bỏ
              </button>
            </li>
          )}
        </For>
      </ul>
      <p class="cart-total">
        Tạm tính: <strong>{formatVnd(cartTotal(cart()))}</strong>
        <br />
        <small>Giá cuối cùng do hệ thống tính lại khi đặt hàng.</small>
      </p>
      <form class="checkout" onSubmit={submit}>
        <h2>Thông tin nhận hàng</h2>
        <div class="field">
          <label for="c-name">Họ và tên</label>
          <input id="c-name" name="name" required maxlength="100" autocomplete="name" />
        </div>
        <div class="field">
          <label for="c-phone">Số điện thoại</label>
          <input id="c-phone" name="phone" required type="tel" inputmode="tel" pattern="(\+84|0)[0-9]{9,10}" autocomplete="tel" />
        </div>
        <div class="field">
          <label for="c-address">Địa chỉ nhận hàng</label>
          <input id="c-address" name="address" required minlength="5" maxlength="300" autocomplete="street-address" />
        </div>
        <fieldset class="field methods">
          <legend>Hình thức thanh toán</legend>
          <label>
            <input type="radio" name="method" value="vietqr" checked /> Chuyển khoản bằng mã VietQR (mọi ứng dụng ngân hàng)
          </label>
          <label>
            <input type="radio" name="method" value="stripe" /> Thẻ hoặc ví điện tử
          </label>
        </fieldset>
        <Show when={error()}>
          <p class="notice" role="alert">
            {error()}
          </p>
        </Show>
        <button class="button" type="submit" disabled={busy()}>
          {busy() ? 'Đang đặt hàng…' : 'Đặt hàng và thanh toán'}
        </button>
      </form>
    </Show>
  );
}
