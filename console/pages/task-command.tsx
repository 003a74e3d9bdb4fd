import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { SingularityTaskShellCommandRequest, SingularityTaskShellCommandUpdate } from '../../contract/singularity-machines';
import { ActionButton, api, canWrite, enc, ErrorNote, useSession } from '../ui';

const POLL_MS = 500;
const ENDED = new Set(['FINISHED', 'FAILED', 'INVALID']);

interface Run { name: string; timestamp: number; updates: SingularityTaskShellCommandUpdate[]; output?: string }

/**
 * Run a command from the scheduler's allow-list in the task's container and show its progress
 * and output. Only names go to the API: the allow-list decides the argv.
 */
export function ShellCommand(props: { taskId: string; running: boolean }): JSX.Element | null {
  const session = useSession();
  const [name, setName] = useState('');
  const [options, setOptions] = useState('');
  const [run, setRun] = useState<Run | undefined>();
  const [error, setError] = useState<string | undefined>();
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  if (!canWrite(session) || !props.running) return null;
  const base = `/tasks/task/${enc(props.taskId)}/command`;

  const follow = async (r: Run): Promise<void> => {
    try {
      const updates = await api<SingularityTaskShellCommandUpdate[]>(`${base}/${enc(r.name)}/${r.timestamp}`);
      const last = updates[updates.length - 1];
      let output: string | undefined;
      const file = updates.find((u) => u.outputFilename)?.outputFilename;
      if (last && ENDED.has(last.updateType) && file) {
        output = (await api<{ data: string }>(`/sandbox/${enc(props.taskId)}/read?path=${enc(file)}&offset=0&length=100000`)).data;
      }
      setRun({ ...r, updates, output });
      setError(undefined);
      if (!last || !ENDED.has(last.updateType)) timer.current = window.setTimeout(() => void follow(r), POLL_MS);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const start = async (): Promise<void> => {
    window.clearTimeout(timer.current);
    const opts = options.split(/[\s,]+/).filter(Boolean);
    const req = await api<SingularityTaskShellCommandRequest>(base, { method: 'POST', body: { name: name.trim(), ...(opts.length ? { options: opts } : {}) } });
    const r = { name: req.shellCommand.name, timestamp: req.timestamp, updates: [] };
    setRun(r);
    void follow(r);
  };
  const last = run?.updates[run.updates.length - 1];
  return (
    <section aria-labelledby="command-h">
      <h2 id="command-h">Shell command</h2>
      <p class="hint">Runs a command from the scheduler's allow-list (<code>--shell-commands-file</code>) inside the task's container; its output is written to the sandbox.</p>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>Command <input value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} placeholder="e.g. threads" /></label>
        <label>Options <input value={options} onInput={(e) => setOptions((e.target as HTMLInputElement).value)} placeholder="names, space-separated" /></label>
        <ActionButton label="Run command" disabled={name.trim() === ''} done={`${name.trim()} started`} run={start} />
      </form>
      <ErrorNote error={error} />
      {run && (
        <div data-command-run>
          <p role="status">{run.name}: {last ? run.updates.map((u) => u.updateType.toLowerCase()).join(' → ') : 'sent'}{last?.message ? ` (${last.message})` : ''}</p>
          {run.output !== undefined && <pre class="log" tabIndex={0} aria-label={`output of ${run.name}`} data-log="command">{run.output || '(no output)'}</pre>}
        </div>
      )}
    </section>
  );
}
