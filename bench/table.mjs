// Renders bench rows as a Markdown table: figure, A median, B median, ratio or value, target, met.

/** One Markdown table for all measured figures. */
export function renderTable(rows) {
  const lines = [
    "| # | figure | A (jlremote) | B (baseline) | ratio / value | target | met |",
    "| --- | --- | ---: | ---: | ---: | ---: | --- |",
  ];
  for (const r of rows) {
    const unit = r.unit ?? "ms";
    const value = r.ratio !== undefined ? `${r.ratio.toFixed(2)}×` : `${fmt(r.value, unit)}`;
    const target = r.target === null ? "–" : r.ratio !== undefined ? `≤ ${r.target}×` : `≤ ${r.target} ${unit}`;
    const met = r.target === null ? "–" : (r.ratio ?? r.value) <= r.target + 1e-9 ? "yes" : "**no**";
    lines.push(`| ${r.id} | ${r.figure} | ${fmt(r.a, unit)} | ${fmt(r.b, unit)} | ${value} | ${target} | ${met} |`);
  }
  return lines.join("\n");
}

function fmt(v, unit) {
  if (v === null || v === undefined) return "–";
  if (unit === "ms") return `${Math.round(v)} ms`;
  if (unit === "calls") return `${v}`;
  if (unit === "s") return `${v.toFixed(2)} s`;
  return `${v.toFixed(1)} ${unit}`;
}
