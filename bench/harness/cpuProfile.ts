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
  const profile = JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
  const frameOf = new Map(profile.nodes.map((node) => [node.id, describe(node)]));
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
