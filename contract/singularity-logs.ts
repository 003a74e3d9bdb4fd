/**
 * Singularity's S3 log listings (S3LogResource), which Griddle serves from the tasks' sandboxes:
 * each entry is a file of a task's sandbox, its URLs Griddle's own sandbox download endpoint.
 */

/** `SingularityS3LogMetadata`: a file, when the call asked for a list only (`list` / `listOnly`). */
export interface SingularityS3LogMetadata {
  /** Griddle: `<requestId>/<taskId>/<file name>`. */
  key: string;
  /** Epoch ms. */
  lastModified: number;
  size: number;
  /** The task's start, epoch ms. */
  startTime?: number;
  /** The task's end, epoch ms; absent while it runs. */
  endTime?: number;
}

/** `SingularityS3Log`: with the URLs to read the file (`getUrl`) and to download it (`downloadUrl`). */
export interface SingularityS3Log extends SingularityS3LogMetadata {
  getUrl: string;
  downloadUrl: string;
}

/** Singularity's per-prefix continuation token; Griddle's value is the next task's position. */
export interface ContinuationToken { value: string; lastPage: boolean }

/** `POST /api/logs/search`'s body. */
export interface SingularityS3SearchRequest {
  requestId?: string;
  deployId?: string;
  taskId?: string;
  start?: number;
  end?: number;
  excludeMetadata?: boolean;
  listOnly?: boolean;
  maxPerPage?: number;
  continuationTokens?: Record<string, ContinuationToken>;
}

export interface SingularityS3SearchResult {
  continuationTokens: Record<string, ContinuationToken>;
  lastPage: boolean;
  results: (SingularityS3Log | SingularityS3LogMetadata)[];
}
