import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface FrameShare {
  frame: string;
  selfPercent: number;
}

/** The frames where a V8 CPU profile (`node --cpu-prof`) spent most of its own time, largest first. */
export function topSelfFrames(path: string, limit: number): FrameShare[] {
  return selfTimeBy(path, describe, limit);
}

/** Self time per npm package (or repository folder, or V8 pseudo-frame such as the garbage collector). */
export function selfTimeByPackage(path: string, limit: number): FrameShare[] {
  return selfTimeBy(path, packageOf, limit);
}

function selfTimeBy(path: string, key: (node: ProfileNode) => string, limit: number): FrameShare[] {
  const profile = JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
  const frameOf = new Map(profile.nodes.map((node) => [node.id, key(node)]));
  const selfTime = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((nodeId, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    const frame = frameOf.get(nodeId) ?? "(unknown)";
    selfTime.set(frame, (selfTime.get(frame) ?? 0) + delta);
    total += delta;
  });
  return [...selfTime.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([frame, time]) => ({ frame, selfPercent: Math.round((time / total) * 1000) / 10 }));
}

function describe(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url
    .replace(/^file:\/\//, "")
    .replace(/^.*node_modules\//, "")
    .replace(/^.*\/work\/main\//, "");
  return `${functionName || "(anonymous)"} ${file ? `${file}:${lineNumber + 1}` : ""}`.trim();
}

function packageOf(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inPackage?.[1]) return inPackage[1];
  if (url.startsWith("node:")) return "node: internals";
  const inRepo = /\/work\/main\/([^/]+\/[^/]+)/.exec(url) ?? /([^/]+\/[^/]+)$/.exec(url);
  return inRepo?.[1] ?? url;
}
