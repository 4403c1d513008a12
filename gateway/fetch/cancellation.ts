/** The request in flight as the transport holds it: undici's dispatch controller. */
interface Abortable {
  abort(reason: Error): void;
}

/**
 * Cancels one attempt of a subgraph fetch. An AbortController per fetch costs an EventTarget, a signal and a listener
 * registered and removed again; this has the only listener there ever is, the transport's request, and holds it
 * directly.
 */
export class FetchCancellation {
  /** Why the attempt was cancelled; null while it is not. */
  reason: Error | null = null;
  private request: Abortable | null = null;

  cancel(reason: Error): void {
    if (this.reason) return;
    this.reason = reason;
    this.request?.abort(reason);
  }

  /**
   * The transport's request has started (got a connection). One cancelled while it was queued is aborted now, as
   * undici's own `request` does with a signal.
   */
  started(request: Abortable): void {
    if (this.reason) request.abort(this.reason);
    else this.request = request;
  }
}
