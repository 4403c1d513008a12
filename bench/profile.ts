import { selfTimeByPackage, topSelfFrames } from "./harness/cpuProfile.ts";

// `npx tsx bench/profile.ts <file.cpuprofile> [N]`: the top N frames by self time of a profile written by
// `npm run bench -- --profile DIR`.
const [path, limit = "25"] = process.argv.slice(2);
if (!path) {
  console.error("usage: tsx bench/profile.ts <file.cpuprofile> [N]");
  process.exit(2);
}
console.log("self time by package or folder:");
for (const { frame, selfPercent } of selfTimeByPackage(path, 12)) {
  console.log(`${selfPercent.toFixed(1).padStart(5)}%  ${frame}`);
}
console.log(`\ntop ${limit} frames by self time:`);
for (const { frame, selfPercent } of topSelfFrames(path, Number(limit))) {
  console.log(`${selfPercent.toFixed(1).padStart(5)}%  ${frame}`);
}
