import { createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import { exceptionShortLabel } from '#worker/domain/exception-types';
import { groupDigits } from '#worker/domain/money';

export interface StatementProgressState {
  statementId: string;
  status: 'processing' | 'done' | 'failed';
  lines: number;
  processed: number;
  failureReason?: string | null;
  summary: { lines: number; credits: number; matched: number; alreadyConfirmed: number; exceptions: Record<string, number> } | null;
}

const POLL_MS = 2000;
const STATUS_NAMES = { processing: 'Đang xử lý', done: 'Đã xong', failed: 'Không xử lý được' } as const;

/**
 * A statement being applied by the queue: its progress bar and counts, kept up to date in
 * place by polling its progress every 2 s until it is done or failed, then its summary. The
 * server renders the same markup, so without JavaScript the page shows it too and refreshes
 * itself (a meta refresh inside <noscript>). It only shows what the server reports.
 */
export default function StatementProgress(props: { initial: StatementProgressState }) {
  const [statement, setStatement] = createSignal(props.initial);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const poll = async () => {
    try {
      const response = await fetch(`/api/v1/reconciliation/statements/${encodeURIComponent(props.initial.statementId)}`, {
        cache: 'no-store',
        headers: { Accept: 'application/json' },
      });
      if (response.ok) setStatement((await response.json()) as StatementProgressState);
    } catch {
      // A dropped connection on a slow network: try again at the next tick.
    }
    if (statement().status === 'processing') timer = setTimeout(poll, POLL_MS);
  };
  onMount(() => {
    if (statement().status === 'processing') timer = setTimeout(poll, POLL_MS);
  });
  onCleanup(() => clearTimeout(timer));
  const counted = () => `${groupDigits(statement().processed)}/${groupDigits(statement().lines)}`;
  return (
    <>
      <section aria-labelledby="progress-heading">
        <div role="status" aria-live="polite">
          <h2 id="progress-heading">{STATUS_NAMES[statement().status]}</h2>
          <p id="statement-progress-label">Đã xử lý {counted()} dòng</p>
        </div>
        <progress
          id="statement-progress"
          class="statement-progress"
          aria-labelledby="statement-progress-label"
          value={statement().processed}
          max={statement().lines}
        >
          {counted()}
        </progress>
        <Show when={statement().status === 'processing'}>
          <p>Trang tự cập nhật sau mỗi vài giây.</p>
        </Show>
        <Show when={statement().status === 'failed'}>
          <p class="notice" role="alert">
            {statement().failureReason}
          </p>
        </Show>
      </section>
      <Show when={statement().summary}>
        {(summary) => (
          <section class="report" aria-labelledby="summary-heading">
            <h2 id="summary-heading">Kết quả</h2>
            <table class="data">
              <tbody>
                <tr>
                  <th>Số dòng</th>
                  <td>{groupDigits(summary().lines)}</td>
                </tr>
                <tr>
                  <th>Tiền vào</th>
                  <td>{groupDigits(summary().credits)}</td>
                </tr>
                <tr>
                  <th>Đã khớp</th>
                  <td>{groupDigits(summary().matched)}</td>
                </tr>
                <tr>
                  <th>Đã ghi nhận trước đó</th>
                  <td>{groupDigits(summary().alreadyConfirmed)}</td>
                </tr>
                <For each={Object.entries(summary().exceptions).filter(([, count]) => count > 0)}>
                  {([type, count]) => (
                    <tr>
                      <th>Ngoại lệ: {exceptionShortLabel(type)}</th>
                      <td>{groupDigits(count)}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
            {/* The lines are listed by the server; a page that watched the import finish reloads for them. */}
            <Show when={props.initial.status === 'processing'}>
              <p>
                <a href={`/quan-ly/sao-ke/${encodeURIComponent(props.initial.statementId)}`}>Xem từng dòng tiền vào</a>
              </p>
            </Show>
            <Show when={Object.values(summary().exceptions).some((n) => n > 0)}>
              <p>
                <a class="button" href="/quan-ly/ngoai-le">
                  Xử lý ngoại lệ
                </a>
              </p>
            </Show>
          </section>
        )}
      </Show>
    </>
  );
}
