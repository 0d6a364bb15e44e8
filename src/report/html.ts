// Minimal helpers for self-contained HTML pages: escaping and a page shell with inline CSS (no external assets).

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.9rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}
th{background:#f4f4f4}td.l,th.l{text-align:left}h2{margin-top:2rem;border-bottom:1px solid #ddd}
.charts{display:flex;flex-wrap:wrap;gap:1rem}.note{color:#555;font-size:.9rem}code{background:#f4f4f4;padding:0 .2rem}
</style></head><body>
${body}
</body></html>
`;
}

/** A table from rows of cells; the first column is left-aligned. Cells are escaped. */
export function htmlTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const th = head.map((h, i) => `<th${i === 0 ? ' class="l"' : ''}>${escapeHtml(h)}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.map((c, i) => `<td${i === 0 ? ' class="l"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table>`;
}
