/**
 * The `/api/watch` document (Sidecar's `state.ByService()` as JSON), kept up to date change by
 * change: each endpoint's JSON is kept until the endpoint changes, a service's part is joined
 * again only when one of its endpoints changed, and the whole text is built once per revision and
 * shared by every watcher. With 100,000 endpoints this is what lets every change go out as its
 * own document: a change serializes one endpoint, never the catalog.
 */
import type { Catalog } from './catalog';
import type { Endpoint } from './endpoint';
import { toSidecarService } from './sidecar-format';

export class ServicesDocument {
  /** Service name → its `"name":[...]` member, in catalog order. */
  private readonly parts = new Map<string, string>();
  /** Task id → its Sidecar service JSON and the endpoint revision it shows. */
  private readonly fragments = new Map<string, { revision: number; json: string }>();
  private readonly dirty = new Set<string>();
  private sortedNames: string[] | undefined;
  /** Endpoints serialized so far: a change costs one (what the tests count). */
  serializedEndpoints = 0;
  private seenRevision: number;
  private renderedRevision = -1;
  private rendered = '';
  private readonly unsubscribe: () => void;

  constructor(private readonly catalog: Catalog) {
    this.seenRevision = -1; // everything is rebuilt on first render
    this.unsubscribe = catalog.subscribe((change) => {
      this.dirty.add(change.endpoint.serviceName);
      if (change.removed) this.fragments.delete(change.endpoint.taskId);
      if (this.seenRevision === change.revision - 1) this.seenRevision = change.revision;
    });
  }

  /** JSON text equal to `JSON.stringify(servicesByName(catalog.list()))`. */
  render(): string {
    if (this.renderedRevision === this.catalog.revision && this.seenRevision === this.catalog.revision) return this.rendered;
    if (this.seenRevision !== this.catalog.revision) {
      // Changes arrived that this document did not follow one by one (a restore): start over.
      this.parts.clear();
      this.fragments.clear();
      this.dirty.clear();
      this.sortedNames = undefined;
      for (const name of this.catalog.serviceNames()) this.dirty.add(name);
      this.seenRevision = this.catalog.revision;
    }
    for (const name of this.dirty) {
      const endpoints = this.catalog.list(name);
      if (endpoints.length === 0) {
        this.parts.delete(name);
        this.sortedNames = undefined;
        continue;
      }
      if (!this.parts.has(name)) this.sortedNames = undefined;
      this.parts.set(name, `${JSON.stringify(name)}:[${endpoints.map((e) => this.fragment(e)).join(',')}]`);
    }
    this.dirty.clear();
    this.sortedNames ??= [...this.parts.keys()].sort();
    this.rendered = `{${this.sortedNames.map((n) => this.parts.get(n)).join(',')}}`;
    this.renderedRevision = this.catalog.revision;
    return this.rendered;
  }

  private fragment(endpoint: Endpoint): string {
    const hit = this.fragments.get(endpoint.taskId);
    if (hit?.revision === endpoint.revision) return hit.json;
    const json = JSON.stringify(toSidecarService(endpoint));
    this.serializedEndpoints++;
    this.fragments.set(endpoint.taskId, { revision: endpoint.revision, json });
    return json;
  }

  close(): void {
    this.unsubscribe();
  }
}
