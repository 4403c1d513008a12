import { readConfig } from "./config.ts";
import { createSandbox } from "./server.ts";

const startedAt = performance.now();
const config = readConfig(process.env);
const sandbox = createSandbox(config);
const { url } = await sandbox.start().catch((error: Error) => {
  console.error(`sandbox: cannot listen on ${config.host}:${config.port}: ${error.message}`);
  process.exit(1);
});
console.log(
  JSON.stringify({
    msg: "sandbox listening",
    url,
    today: config.today,
    latencyMs: config.latencyMs,
    jitterMs: config.jitterMs,
    errorRate: config.errorRate,
    startupMs: Math.round(performance.now() - startedAt),
  }),
);

if (config.warmUp) {
  const warmingSince = performance.now();
  sandbox.warmUp().then(() =>
    console.log(
      JSON.stringify({
        msg: "sandbox statistics warmed up",
        ms: Math.round(performance.now() - warmingSince),
      }),
    ),
  );
}

const shutdown = () => {
  sandbox.stop().then(() => process.exit(0));
};
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
