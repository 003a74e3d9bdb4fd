import type { JSX } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { parseDuration } from '../state';

let fields = 0;

export interface DurationChoice {
  /** The duration in milliseconds, undefined for none (the action lasts until changed). */
  ms?: number;
  valid: boolean;
  /** Words for a confirmation: " for 30m (then it reverts)" or "". */
  phrase: string;
  field: JSX.Element;
}

/**
 * An optional "for how long" field shared by the expiring actions: empty means until changed;
 * a wrong entry is named next to the field and disables the buttons that use it.
 */
export function useDuration(label = 'For (optional)'): DurationChoice {
  const [text, setText] = useState('');
  const id = useRef(`duration-${++fields}`).current;
  const parsed = parseDuration(text);
  const field = (
    <span class="duration">
      <label for={id}>{label}</label>{' '}
      <input id={id} class="narrow" value={text} placeholder="e.g. 30m, 2h" aria-describedby={`${id}-hint`} aria-invalid={!parsed.ok}
        onInput={(e) => setText((e.target as HTMLInputElement).value)} />
      <span id={`${id}-hint`} class={parsed.ok ? 'hint' : 'error-text'}>{parsed.ok ? (parsed.ms ? ' then it reverts' : ' empty: until changed') : ` ${parsed.error}`}</span>
    </span>
  );
  return {
    ms: parsed.ok ? parsed.ms : undefined,
    valid: parsed.ok,
    phrase: parsed.ok && parsed.ms ? ` for ${text.trim()} (then it reverts by itself)` : '',
    field,
  };
}
