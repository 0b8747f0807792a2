import { createSignal, onCleanup, onMount } from 'solid-js';

interface Props {
  expiresAt: string;
  /** The server-rendered text, shown until the first tick and if the clock is wrong. */
  fallback: string;
}

/** "23:59:12" or "4:05": hours only when there are some. */
export function formatRemaining(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/**
 * Time left to pay. When it runs out the page reloads, and the server shows the expired
 * state with its button to start again (the server decides, not this clock).
 */
export default function ExpiryCountdown(props: Props) {
  const [left, setLeft] = createSignal<number | null>(null);
  let timer: ReturnType<typeof setInterval> | undefined;
  onMount(() => {
    const end = Date.parse(props.expiresAt);
    const tick = () => {
      const ms = end - Date.now();
      setLeft(ms);
      if (ms <= 0) {
        clearInterval(timer);
        setTimeout(() => location.reload(), 1500);
      }
    };
    tick();
    timer = setInterval(tick, 1000);
  });
  onCleanup(() => clearInterval(timer));
  return (
    <p class="countdown">
      {left() === null ? (
        props.fallback
      ) : (left() ?? 0) > 0 ? (
        <>
          Còn <strong class="countdown__time">{formatRemaining(left() ?? 0)}</strong> để thanh toán.{' '}
          <span class="countdown__until">{props.fallback}</span>
        </>
      ) : (
        'Đã hết thời gian thanh toán.'
      )}
    </p>
  );
}
