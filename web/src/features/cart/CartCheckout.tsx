import { createSignal, For, onMount, Show } from 'solid-js';
import { formatVnd } from '#worker/domain/money';
import { type CartLine, cartTotal, setQuantity } from './cart';
import { loadCart, saveCart } from './storage';

interface ApiError {
  error: { code: string; message: string; details: Array<{ path: string; message: string }> };
}

/**
 * The cart and checkout. The order is priced again by the server; what is shown here is
 * the shopper's estimate. No optimistic step: we go to the payment page only once the
 * server has created the order and its payment.
 */
export default function CartCheckout() {
  const [cart, setCart] = createSignal<CartLine[]>([]);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  // One key per checkout attempt: a double tap or a retry after a timeout reuses it.
  const idempotencyKey = crypto.randomUUID();
  onMount(() => setCart(loadCart()));

  const update = (productId: string, quantity: number) => {
    const next = setQuantity(cart(), productId, quantity);
    setCart(next);
    saveCart(next);
  };

  const checkout = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(null);
    try {
      const orderResponse = await fetch('/api/v1/orders', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          items: cart().map((line) => ({ productId: line.productId, quantity: line.quantity })),
          buyer: { name: form.get('name'), phone: form.get('phone'), address: form.get('address') },
        }),
      });
      const order = (await orderResponse.json()) as { id: string; accessToken: string } & ApiError;
      if (!orderResponse.ok) throw new Error(describe(order));
      localStorage.setItem(`choso.order.${order.id}`, order.accessToken);
      const paymentResponse = await fetch('/api/v1/payments', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': idempotencyKey },
        body: JSON.stringify({ orderId: order.id, orderToken: order.accessToken, method: form.get('method') }),
      });
      const payment = (await paymentResponse.json()) as { id: string } & ApiError;
      if (!paymentResponse.ok) throw new Error(describe(payment));
      saveCart([]);
      location.assign(`/thanh-toan/${payment.id}`);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : 'Không gửi được đơn hàng. Kiểm tra kết nối mạng và thử lại.');
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
      <form class="checkout" onSubmit={checkout}>
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

function describe(body: ApiError): string {
  const details = body.error?.details?.map((d) => d.message).join('; ');
  return details ? `${body.error.message}: ${details}` : (body.error?.message ?? 'Có lỗi xảy ra');
}
