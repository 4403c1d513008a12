import type { Dispatcher } from "undici";

export interface TextResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Why a POST failed, and whether the server had started answering (before that, it most likely never saw it). */
export class PostFailure extends Error {
  constructor(
    readonly error: Error,
    readonly responded: boolean,
  ) {
    super(error.message, { cause: error });
    this.name = "PostFailure";
  }
}

/**
 * One POST on a dispatcher, its answer collected as text. undici's own `request` wraps every answer in a Node stream
 * (and an async resource) that a subgraph fetch reads whole anyway: the dispatcher's handler API collects the chunks
 * directly, which is several stream events and objects fewer per fetch.
 */
export function postText(
  dispatcher: Dispatcher,
  options: { path: string; headers: Record<string, string>; body: string; signal?: AbortSignal },
): Promise<TextResponse> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(new PostFailure(signal.reason as Error, false));
  return new Promise((resolve, reject) => {
    let controller: Dispatcher.DispatchController | null = null;
    let statusCode = 0;
    let headers: TextResponse["headers"] = {};
    const chunks: Buffer[] = [];
    let length = 0;
    // Before the request starts (queued for a connection), abort takes effect when it does, as undici's `request`.
    const onAbort = () => controller?.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    const settle = () => signal?.removeEventListener("abort", onAbort);
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(started) {
        controller = started;
        if (signal?.aborted) started.abort(signal.reason);
      },
      onResponseStart(_controller, status, responseHeaders) {
        statusCode = status;
        headers = responseHeaders as TextResponse["headers"];
      },
      onResponseData(_controller, chunk) {
        chunks.push(chunk);
        length += chunk.length;
      },
      onResponseEnd() {
        settle();
        const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length);
        const text = bytes.toString("utf8");
        // Decoded as undici's body.text() does: a byte order mark is not part of the text.
        resolve({ statusCode, headers, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text });
      },
      onResponseError(_controller, error) {
        settle();
        reject(new PostFailure(error, statusCode !== 0));
      },
    };
    dispatcher.dispatch(
      { method: "POST", path: options.path, headers: options.headers, body: options.body },
      handler,
    );
  });
}
