/**
 * The one shutdown rule of the gateway, the subgraphs and the sandbox: on the first SIGTERM or SIGINT, log it, stop
 * gracefully (drain, close pools) and exit 0; a second signal while stopping changes nothing.
 */
export function stopOnSignals(
  logger: { info(fields: Record<string, unknown>, message: string): void },
  stop: () => Promise<void>,
): void {
  let stopping = false;
  const onSignal = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    await stop();
    process.exit(0);
  };
  process.on("SIGTERM", () => void onSignal("SIGTERM"));
  process.on("SIGINT", () => void onSignal("SIGINT"));
}
