import { createSignal, onCleanup } from 'solid-js';

interface Props {
  /** Exactly what is copied, e.g. "350000" for an amount (banking apps want bare digits). */
  value: string;
  /** What is copied, for screen readers: "số tài khoản". */
  label: string;
}

/**
 * Copies one value of the transfer, and says so ("Đã sao chép"). Rendered only with
 * JavaScript (client:only): without it the value beside it is plain selectable text.
 */
export default function CopyButton(props: Props) {
  const [copied, setCopied] = createSignal<'idle' | 'done' | 'failed'>('idle');
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.value);
      setCopied('done');
    } catch {
      setCopied('failed');
    }
    clearTimeout(timer);
    timer = setTimeout(() => setCopied('idle'), 3000);
  };
  return (
    <button type="button" class="button button--secondary copy-button" onClick={copy} aria-label={`Sao chép ${props.label}`}>
      <span aria-live="polite">{copied() === 'done' ? 'Đã sao chép' : copied() === 'failed' ? 'Không sao chép được' : 'Sao chép'}</span>
    </button>
  );
}
