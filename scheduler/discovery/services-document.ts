/**
 * The `/api/watch` document (Sidecar's `state.ByService()` as JSON), kept up to date change by
 * change: each service's part is re-rendered only when one of its endpoints changed, and the
 * whole text is built once per revision and shared by every watcher. With 10,000 endpoints this
 * is what lets every change go out as its own document.
 */
import type { Catalog } from './catalog';
import { toSidecarService } from './sidecar-format';

export class ServicesDocument {
  /** Service name → its `"name":[...]` member, in catalog order. */
  private readonly parts = new Map<string, string>();
  private readonly dirty = new Set<string>();
  private seenRevision: number;
  private renderedRevision = -1;
  private rendered = '';
  private readonly unsubscribe: () => void;

  constructor(private readonly catalog: Catalog) {
    this.seenRevision = -1; // everything is rebuilt on first render
    this.unsubscribe = catalog.subscribe((change) => {
      this.dirty.add(change.endpoint.serviceName);
      if (this.seenRevision === change.revision - 1) this.seenRevision = change.revision;
    });
  }

  /** JSON text equal to `JSON.stringify(servicesByName(catalog.list()))`. */
  render(): string {
    if (this.renderedRevision === this.catalog.revision && this.seenRevision === this.catalog.revision) return this.rendered;
    if (this.seenRevision !== this.catalog.revision) {
      // Changes arrived that this document did not follow one by one (a restore): start over.
      this.parts.clear();
      this.dirty.clear();
      for (const endpoint of this.catalog.list()) this.dirty.add(endpoint.serviceName);
      this.seenRevision = this.catalog.revision;
    }
    for (const name of this.dirty) {
      const endpoints = this.catalog.list(name);
      if (endpoints.length === 0) this.parts.delete(name);
      else this.parts.set(name, `${JSON.stringify(name)}:${JSON.stringify(endpoints.map(toSidecarService))}`);
    }
    this.dirty.clear();
    const names = [...this.parts.keys()].sort();
    this.rendered = `{${names.map((n) => this.parts.get(n)).join(',')}}`;
    this.renderedRevision = this.catalog.revision;
    return this.rendered;
  }

  close(): void {
    this.unsubscribe();
  }
}
