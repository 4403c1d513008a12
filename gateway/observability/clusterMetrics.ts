import cluster from "node:cluster";
import { AggregatorRegistry, type Registry } from "prom-client";

const REQUEST = "lienthong:cluster-metrics-request";
const RESPONSE = "lienthong:cluster-metrics-response";
const TIMEOUT_MS = 3000;

interface ClusterMetricsMessage {
  type?: string;
  id?: number;
  text?: string;
  error?: string;
}

/**
 * With WORKERS > 1 a scrape reaches one worker at random, so each worker's /metrics asks the primary, which
 * collects every worker's registry through prom-client's AggregatorRegistry and answers with the sums.
 */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on("message", (worker, message: ClusterMetricsMessage) => {
    if (message?.type !== REQUEST) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: RESPONSE, id: message.id, text }),
      (error: Error) => worker.send({ type: RESPONSE, id: message.id, error: error.message }),
    );
  });
}

/** In a worker: contributes `registry` to the primary's collection; returns the cluster-wide metrics text. */
export function createClusterMetricsText(registry: Registry): () => Promise<string> {
  // Constructing one registers the worker's answer to the primary's collection requests.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  const pending = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  process.on("message", (message: ClusterMetricsMessage) => {
    if (message?.type !== RESPONSE || message.id === undefined) return;
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error !== undefined) waiter?.reject(new Error(message.error));
    else waiter?.resolve(message.text ?? "");
  });
  return () =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      process.send?.({ type: REQUEST, id });
      setTimeout(() => {
        if (pending.delete(id)) reject(new Error("cluster metrics timed out"));
      }, TIMEOUT_MS).unref();
    });
}
