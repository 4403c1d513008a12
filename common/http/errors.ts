export interface HttpErrorDetails {
  /** Added to the GraphQL error's `extensions` (problem documents leave them out). */
  extensions?: Record<string, unknown>;
  /** Response headers the refusal needs, e.g. `allow` on a 405. */
  headers?: Record<string, string>;
}

/**
 * A request refused at an HTTP edge, before any handler sees it. Each edge renders it in its own dialect
 * (a GraphQL error list, or a problem document), so one class serves all three.
 */
export class HttpError extends Error {
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    details: HttpErrorDetails = {},
  ) {
    super(message);
    this.extensions = details.extensions ?? {};
    this.headers = details.headers ?? {};
  }
}
