/** An error answered as `application/problem+json` (RFC 9457). */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
  ) {
    super(detail);
  }

  toJSON() {
    return { type: "about:blank", title: this.title, status: this.status, detail: this.detail };
  }
}

export const badRequest = (detail: string) => new Problem(400, "Bad Request", detail);
export const notFound = (detail: string) => new Problem(404, "Not Found", detail);
export const unavailable = (detail: string) => new Problem(503, "Service Unavailable", detail);
