// Figures as a Vietnamese reader writes them: 3.217.898 and 93,16 %.
const integer = new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat("vi-VN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const clock = new Intl.DateTimeFormat("vi-VN", { hour: "2-digit", minute: "2-digit", second: "2-digit" });

/** What a figure the answer did not bring looks like, everywhere on the page. */
export const MISSING = "—";

export const formatInteger = (value) => (value == null ? MISSING : integer.format(value));

/** The API gives rates in percent already (93.16 means 93.16 %). */
export const formatPercent = (value) => (value == null ? MISSING : `${percent.format(value)} %`);

export const formatClock = (timestamp) => clock.format(timestamp);
