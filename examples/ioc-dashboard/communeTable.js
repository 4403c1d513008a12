// The communes of the province, sortable by any column; sorting also reorders the chart.
import { formatInteger, formatPercent } from "./format.js";

/** How each column reads a commune and writes the value. */
const COLUMNS = {
  name: { value: (c) => c.name, text: (v) => v },
  type: { value: (c) => c.type, text: (v) => TYPE_NAMES[v] ?? v },
  population: { value: (c) => c.populationStats?.total, text: formatInteger },
  enterprises: { value: (c) => c.enterpriseStats?.active, text: formatInteger },
  received: { value: (c) => c.dossierStats?.received, text: formatInteger },
  onTimeRate: { value: (c) => c.dossierStats?.onTimeRate, text: formatPercent },
  overdue: { value: (c) => c.dossierStats?.overdue, text: formatInteger },
};

const TYPE_NAMES = { COMMUNE: "Xã", WARD: "Phường", SPECIAL_ZONE: "Đặc khu" };

const collator = new Intl.Collator("vi");

/** Missing figures (a platform down) sort last in either direction, so the known ones stay on top. */
function compare(a, b, descending) {
  if (a == null || b == null) return (a == null) - (b == null);
  const order = typeof a === "string" ? collator.compare(a, b) : a - b;
  return descending ? -order : order;
}

/**
 * @param {HTMLTableElement} table its header cells carry `data-column` and a button
 * @param {(communes: object[]) => void} onOrder called with the communes in the order shown, after every render
 */
export function createCommuneTable(table, onOrder) {
  let communes = [];
  // Until a header is clicked, the answer's order (by commune code).
  let sort = null;

  function render() {
    const rows = sort
      ? communes.toSorted((a, b) =>
          compare(COLUMNS[sort.column].value(a), COLUMNS[sort.column].value(b), sort.descending),
        )
      : communes;
    table.tBodies[0].replaceChildren(...rows.map(rowOf));
    for (const th of table.tHead.querySelectorAll("th")) {
      const { column } = th.dataset;
      th.setAttribute(
        "aria-sort",
        column !== sort?.column ? "none" : sort.descending ? "descending" : "ascending",
      );
      // A column whose platform is down says so in its header rather than in 130 cells.
      const missing = communes.length > 0 && communes.every((c) => COLUMNS[column].value(c) == null);
      th.dataset.state = missing ? "unavailable" : "";
    }
    onOrder(rows);
  }

  for (const th of table.tHead.querySelectorAll("th")) {
    th.querySelector("button").addEventListener("click", () => {
      const { column } = th.dataset;
      // Figures first rank the largest; names first go A to Z.
      const descending = sort?.column === column ? !sort.descending : column !== "name" && column !== "type";
      sort = { column, descending };
      render();
    });
  }

  return {
    /** Shows these communes, in the order the user chose. */
    update(next) {
      communes = next;
      render();
    },
  };
}

function rowOf(commune) {
  const row = document.createElement("tr");
  row.dataset.code = commune.code;
  for (const [name, column] of Object.entries(COLUMNS)) {
    const cell = row.insertCell();
    cell.textContent = column.text(column.value(commune));
    if (name !== "name" && name !== "type") cell.className = "number";
  }
  return row;
}
