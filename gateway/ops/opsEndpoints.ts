import type { IncomingHttpHeaders } from "node:http";
import type { HttpRoute } from "../http/routes.ts";
import { hasOpsToken } from "./opsToken.ts";
import type { Readiness } from "./readiness.ts";
import { STATUS_PAGE } from "./statusPage.ts";
import type { StatusReporter } from "./statusReport.ts";

export interface OpsAnswer {
  status: number;
  contentType: string;
  body: string;
}

/**
 * What the gateway tells operators, and how much of it anyone else sees. Readiness details (which dependency failed,
 * and its error) and metrics name internal hosts and states: they go to the ops listener, or to a request on the public
 * port that carries the ops token. Anyone else learns only whether to send traffic here.
 */
export interface OpsEndpoints {
  ready(detailed: boolean): Promise<OpsAnswer>;
  metrics(): Promise<OpsAnswer>;
  /** The status page (no data in it: it polls `statusReport`). */
  statusPage(): OpsAnswer;
  statusReport(): Promise<OpsAnswer>;
  /** True when a request on the public port carries the ops token. */
  authorized(headers: IncomingHttpHeaders): boolean;
  /** Token-protected ops routes (POST /ops/purge), served on both listeners. */
  routes: HttpRoute[];
}

const JSON_TYPE = "application/json; charset=utf-8";

export function createOpsEndpoints(deps: {
  token: string | null;
  readiness: () => Promise<Readiness>;
  /** Prometheus text (the whole cluster's with WORKERS > 1) and its content type. */
  metricsText: () => Promise<string>;
  metricsContentType: string;
  status: StatusReporter;
  routes: HttpRoute[];
}): OpsEndpoints {
  return {
    async ready(detailed) {
      const readiness = await deps.readiness();
      return {
        status: readiness.status === "unavailable" ? 503 : 200,
        contentType: JSON_TYPE,
        body: JSON.stringify(detailed ? readiness : { status: readiness.status }),
      };
    },
    async metrics() {
      return { status: 200, contentType: deps.metricsContentType, body: await deps.metricsText() };
    },
    statusPage: () => ({ status: 200, contentType: "text/html; charset=utf-8", body: STATUS_PAGE }),
    async statusReport() {
      return { status: 200, contentType: JSON_TYPE, body: JSON.stringify(await deps.status.report()) };
    },
    authorized: (headers) => hasOpsToken(headers, deps.token),
    routes: deps.routes,
  };
}
