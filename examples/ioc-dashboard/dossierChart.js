// Dossiers received (bars, left axis) and overdue (dots, right axis) for each commune, in the table's order.
import uPlot from "./vendor/uPlot.esm.js";

const HEIGHT = 300;

/** @param {HTMLElement} container */
export function createDossierChart(container) {
  // The x axis is the commune's position in the table; its labels and the legend read names from here.
  let names = [];
  const nameAt = (index) => names[index] ?? "";

  const chart = new uPlot(
    {
      width: container.clientWidth,
      height: HEIGHT,
      scales: {
        x: { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] },
        overdue: { range: (_u, _min, max) => [0, Math.max(1, max)] },
      },
      axes: [
        { values: (_u, splits) => splits.map(nameAt), rotate: -50, size: 90, space: 18 },
        { label: "received" },
        { side: 1, scale: "overdue", label: "overdue", grid: { show: false } },
      ],
      series: [
        { label: "Commune", value: (_u, index) => nameAt(index) },
        {
          label: "Received",
          fill: "rgba(47, 109, 176, 0.55)",
          stroke: "#2f6db0",
          paths: uPlot.paths.bars({ size: [0.8, 24] }),
          points: { show: false },
        },
        {
          label: "Overdue",
          scale: "overdue",
          stroke: "#c0392b",
          paths: () => null,
          points: { show: true, size: 6, fill: "#c0392b" },
        },
      ],
    },
    [[], [], []],
    container,
  );
  new ResizeObserver(() => chart.setSize({ width: container.clientWidth, height: HEIGHT })).observe(
    container,
  );

  return {
    /** Draws these communes in this order. */
    update(communes) {
      names = communes.map((commune) => commune.name);
      chart.setData([
        communes.map((_commune, index) => index),
        communes.map((commune) => commune.dossierStats?.received ?? null),
        communes.map((commune) => commune.dossierStats?.overdue ?? null),
      ]);
      // Same x range as before, so uPlot would keep the old labels: a new order needs the names redrawn.
      chart.redraw(false, true);
    },
  };
}
