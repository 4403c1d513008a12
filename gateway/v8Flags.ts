/**
 * The V8 flags the gateway process runs with. Every launcher passes them: `npm start` (scripts/start.ts),
 * docker-compose.yml, the Kubernetes Deployment and the benchmark; cluster workers inherit them. A gateway started
 * without them works, and says so in its log.
 *
 * `--max-semi-space-size=64`: V8's young generation defaults to 16 MB semi-spaces. Under load the gateway keeps
 * each in-flight request's parsed subgraph answers alive, so every scavenge copies many survivors, and at about
 * 1 MB of short-lived objects per Guild request it scavenges every few requests: measured at 50 concurrent requests,
 * 165 scavenges of ~13 ms for 1,200 requests. With 64 MB the young generation fills 4 times less often while the
 * survivors stay the same few MB: CPU per Guild request fell by about a third (scripts/cpuPerRequest.ts,
 * bench/PROFILES.md), for up to ~130 MB more resident memory under load. 96 and 128 MB measured no better.
 */
export const GATEWAY_V8_FLAGS: readonly string[] = ["--max-semi-space-size=64"];

/** Which of the gateway's V8 flags this process was started without (command line or NODE_OPTIONS). */
export function missingV8Flags(execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  // V8 takes `--max_semi_space_size` as well as `--max-semi-space-size`.
  const name = (flag: string) => flag.split("=")[0]?.replaceAll("_", "-");
  const given = [...execArgv, ...(nodeOptions ?? "").split(/\s+/)].map(name);
  return GATEWAY_V8_FLAGS.filter((flag) => !given.includes(name(flag)));
}
