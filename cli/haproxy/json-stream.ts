/**
 * Splits a stream of concatenated JSON documents (Sidecar's /api/watch writes them back to back,
 * Griddle's ends each with a newline) into whole documents, whatever the chunking.
 */
export class JsonDocumentSplitter {
  private buffer = '';
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Where the scan of `buffer` resumes. */
  private scanned = 0;

  push(chunk: string): string[] {
    this.buffer += chunk;
    const docs: string[] = [];
    let start = 0;
    for (let i = this.scanned; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === '\\') this.escaped = true;
        else if (c === '"') this.inString = false;
      } else if (c === '"') {
        this.inString = true;
      } else if (c === '{' || c === '[') {
        if (this.depth === 0) start = i;
        this.depth++;
      } else if (c === '}' || c === ']') {
        this.depth--;
        if (this.depth === 0) docs.push(this.buffer.slice(start, i + 1));
        if (this.depth < 0) throw new Error(`malformed JSON stream: unexpected '${c}'`);
      } else if (this.depth === 0 && !/\s/.test(c ?? '')) {
        throw new Error(`malformed JSON stream: '${c}' outside a document`);
      }
    }
    if (this.depth === 0) {
      this.buffer = '';
      this.scanned = 0;
    } else {
      this.buffer = this.buffer.slice(start);
      this.scanned = this.buffer.length;
    }
    return docs;
  }
}
