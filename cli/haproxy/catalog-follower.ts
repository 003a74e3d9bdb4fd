/**
 * Follows a discovery catalog through the Sidecar watch API (`/api/watch`, Griddle's or a real
 * Sidecar's) and hands every whole document (JSON text of `{name: [Service]}`) to the caller;
 * reconnects after any failure. Parsing is left to the caller, which may only need the latest.
 */
import type { Logger } from '../../common';
import { JsonDocumentSplitter } from './json-stream';

export interface CatalogFollower { stop(): void }

/** `http://host:7777` → `http://host:7777/api/watch`; a URL already ending in /watch is kept. */
export function watchUrl(follow: string): string {
  const url = new URL(follow);
  if (!url.pathname.endsWith('/watch')) url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/watch`;
  return url.toString();
}

export function followCatalog(
  follow: string,
  onDocument: (json: string) => void,
  options: { log?: Logger; retryMs?: number } = {},
): CatalogFollower {
  const url = watchUrl(follow);
  const retryMs = options.retryMs ?? 1000;
  const abort = new AbortController();
  let retry: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    try {
      const res = await fetch(url, { signal: abort.signal });
      if (!res.ok || !res.body) throw new Error(`GET ${url} answered ${res.status}`);
      options.log?.info({ url }, 'following the discovery catalog');
      const splitter = new JsonDocumentSplitter();
      const decoder = new TextDecoder();
      for await (const chunk of res.body) {
        for (const doc of splitter.push(decoder.decode(chunk, { stream: true }))) onDocument(doc);
      }
      throw new Error('the watch stream ended');
    } catch (err) {
      if (abort.signal.aborted) return;
      options.log?.warn({ url, err: (err as Error).message, retryMs }, 'catalog watch interrupted; reconnecting');
      retry = setTimeout(() => void connect(), retryMs);
    }
  };
  void connect();
  return {
    stop: () => {
      abort.abort();
      clearTimeout(retry);
    },
  };
}
