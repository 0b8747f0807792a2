import { createSignal, onCleanup, onMount, Show } from 'solid-js';
import { PAYMENT_STATUS_NAMES } from './banks';

interface Props {
  paymentId: string;
  initialStatus: keyof typeof PAYMENT_STATUS_NAMES;
}

const POLL_MS = 4000;

/**
 * Watches a pending payment until the server says it is settled, then reloads the page to
 * show the receipt. Polling, because it works on every network and needs no open socket.
 * It only reports what the server confirmed: nothing here marks anything paid.
 */
export default function PaymentStatus(props: Props) {
  const [status, setStatus] = createSignal(props.initialStatus);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const poll = async () => {
    try {
      const response = await fetch(`/api/v1/payments/${props.paymentId}`, { cache: 'no-store' });
      if (response.ok) {
        const payment = (await response.json()) as { status: keyof typeof PAYMENT_STATUS_NAMES };
        if (payment.status !== status()) {
          setStatus(payment.status);
          if (payment.status !== 'pending') {
            location.reload();
            return;
          }
        }
      }
    } catch {
      // A dropped connection on a slow network: try again at the next tick.
    }
    timer = setTimeout(poll, POLL_MS);
  };
  onMount(() => {
    if (props.initialStatus === 'pending') timer = setTimeout(poll, POLL_MS);
  });
  onCleanup(() => clearTimeout(timer));
  return (
    <p class={`payment-status payment-status--${status()}`} role="status" aria-live="polite">
      {PAYMENT_STATUS_NAMES[status()]}
      <Show when={status() === 'pending'}>
        <span class="visually-hidden">. Trang tự cập nhật khi nhận được tiền.</span>
      </Show>
    </p>
  );
}
