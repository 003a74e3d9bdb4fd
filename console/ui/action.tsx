import type { JSX } from 'preact';
import { useRef, useState } from 'preact/hooks';

export interface ActionResult { ok: boolean; message: string }

let dialogs = 0;

/**
 * A write action's button. With `confirm`, a modal dialog first says what will happen and
 * needs an explicit yes; the outcome is announced in a live region either way.
 */
export function ActionButton(props: {
  label: string;
  run: () => Promise<unknown>;
  confirm?: string;
  danger?: boolean;
  disabled?: boolean;
  done?: string;
  onResult?: (r: ActionResult) => void;
}): JSX.Element {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useRef(`confirm-${++dialogs}`).current;
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ActionResult | undefined>();
  const go = async (): Promise<void> => {
    setBusy(true);
    try {
      await props.run();
      const r = { ok: true, message: props.done ?? `${props.label}: done` };
      setResult(r);
      props.onResult?.(r);
    } catch (err) {
      const r = { ok: false, message: `${props.label} failed: ${err instanceof Error ? err.message : String(err)}` };
      setResult(r);
      props.onResult?.(r);
    } finally {
      setBusy(false);
    }
  };
  const click = (): void => {
    if (props.confirm) dialog.current?.showModal();
    else void go();
  };
  return (
    <span class="action">
      <button type="button" class={props.danger ? 'danger' : undefined} onClick={click} disabled={busy || props.disabled} aria-busy={busy}>
        {props.label}
      </button>
      {props.confirm && (
        <dialog ref={dialog} aria-labelledby={titleId}>
          <form method="dialog">
            <h2 id={titleId}>{props.label}?</h2>
            <p>{props.confirm}</p>
            <div class="buttons">
              <button value="cancel" type="submit" autofocus>Cancel</button>
              <button value="ok" type="submit" class={props.danger ? 'danger' : 'primary'} onClick={() => void go()}>{props.label}</button>
            </div>
          </form>
        </dialog>
      )}
      {result && <span role="status" class={result.ok ? 'ok-text' : 'error-text'}>{result.ok ? '✓ ' : '✗ '}{result.message}</span>}
    </span>
  );
}

/** A labelled error message, announced to screen readers. */
export function ErrorNote(props: { error?: string }): JSX.Element | null {
  return props.error ? <p role="alert" class="error-text">Error: {props.error}</p> : null;
}

/** A state shown as a word with a symbol, never by colour alone. */
export function Health(props: { healthy?: boolean; state?: string }): JSX.Element {
  if (props.healthy === true) return <span class="badge good">✓ healthy</span>;
  if (props.healthy === false) return <span class="badge bad">✗ unhealthy</span>;
  return <span class="badge neutral">– {props.state === 'TASK_RUNNING' ? 'no check result' : 'unknown'}</span>;
}

export function DeployState(props: { state?: string }): JSX.Element {
  if (!props.state) return <span class="badge neutral">–</span>;
  const good = props.state === 'SUCCEEDED';
  const bad = props.state === 'FAILED' || props.state === 'FAILED_INTERNAL_STATE' || props.state === 'OVERDUE';
  return <span class={`badge ${good ? 'good' : bad ? 'bad' : 'neutral'}`}>{good ? '✓ ' : bad ? '✗ ' : '• '}{props.state.toLowerCase()}</span>;
}
