/**
 * A line plot as a self-contained SVG, made by the generator from a
 * simulation's series: axes with round ticks, one polyline per series (each
 * in a <g class="series" data-name="..."> so tests can find it), a legend.
 * Output depends only on the data, so regenerated plots are byte-identical.
 */
import type { SimPlot } from '../model/spec.js';

const W = 720;
/** Height of the plot area with its axes and labels; the legend goes below, one line per series. */
const PLOT_H = 380;
const LEGEND_LINE = 20;
const M = { left: 70, right: 30, top: 40, bottom: 55 };
/** Dash patterns by series: solid first. */
const DASHES = ['', '7 3', '2 3', '9 3 2 3', '4 4'];

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

export function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Up to four significant digits, no trailing zeros, no exponent for everyday magnitudes. */
export function num(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-3) return x.toExponential(2).replace(/\.?0+e/, 'e');
  return String(Number(x.toPrecision(4)));
}

/** Round tick values from at or below lo to at or above hi: steps of 1, 2 or 5 × 10^k. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (hi <= lo) hi = lo + 1;
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  const out: number[] = [];
  for (let i = first; i <= last; i++) out.push(Number((i * step).toPrecision(12)));
  return out;
}

export function svgPlot(p: SimPlot): string {
  const pts = p.series.flatMap((s) => s.points);
  const xs = ticks(Math.min(...pts.map((q) => q[0])), Math.max(...pts.map((q) => q[0])));
  const ys = ticks(Math.min(0, ...pts.map((q) => q[1])), Math.max(...pts.map((q) => q[1])));
  const [x0, x1, y0, y1] = [xs[0], xs.at(-1)!, ys[0], ys.at(-1)!];
  const H = PLOT_H + LEGEND_LINE * p.series.length + 10;
  const bottom = PLOT_H - M.bottom;
  const px = (x: number) => M.left + ((x - x0) / (x1 - x0 || 1)) * (W - M.left - M.right);
  const py = (y: number) => bottom - ((y - y0) / (y1 - y0 || 1)) * (bottom - M.top);
  const r = (v: number) => v.toFixed(1);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<title>${xml(p.title)}</title>`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${xml(p.title)}</text>`,
    `<g class="axes" stroke="#444">`,
    `<line x1="${M.left}" y1="${bottom}" x2="${W - M.right}" y2="${bottom}"/>`,
    `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${bottom}"/>`,
    `</g>`,
    `<g class="ticks" fill="#222">`,
  ];
  for (const x of xs) {
    out.push(`<line x1="${r(px(x))}" y1="${bottom}" x2="${r(px(x))}" y2="${bottom + 5}" stroke="#444"/>`);
    out.push(`<text x="${r(px(x))}" y="${bottom + 18}" text-anchor="middle">${num(x)}</text>`);
  }
  for (const y of ys) {
    out.push(`<line x1="${M.left - 5}" y1="${r(py(y))}" x2="${W - M.right}" y2="${r(py(y))}" stroke="#ddd"/>`);
    out.push(`<text x="${M.left - 8}" y="${r(py(y) + 4)}" text-anchor="end">${num(y)}</text>`);
  }
  out.push('</g>');
  out.push(`<text x="${(M.left + W - M.right) / 2}" y="${bottom + 38}" text-anchor="middle">${xml(p.xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${(M.top + bottom) / 2}) rotate(-90)" text-anchor="middle">${xml(p.yLabel)}</text>`);
  p.series.forEach((s, i) => {
    const c = PALETTE[i % PALETTE.length];
    const line = s.points.map(([x, y]) => `${r(px(x))},${r(py(y))}`).join(' ');
    out.push(`<g class="series" data-name="${xml(s.name)}" stroke="${c}" fill="${c}">`);
    // Series that coincide must stay visible: each has its own dash and marker size, the later ones drawn finer.
    const dash = DASHES[i % DASHES.length];
    const dashAttr = dash ? ` stroke-dasharray="${dash}"` : '';
    out.push(`<polyline points="${line}" fill="none" stroke-width="2"${dashAttr}/>`);
    const radius = Math.max(1.5, 4 - i * 0.75);
    for (const [x, y] of s.points) out.push(`<circle cx="${r(px(x))}" cy="${r(py(y))}" r="${radius}"/>`);
    out.push('</g>');
    const ly = PLOT_H + 10 + i * LEGEND_LINE;
    out.push(`<g class="legend"><line x1="${M.left}" y1="${ly - 3}" x2="${M.left + 14}" y2="${ly - 3}" stroke="${c}" stroke-width="2"${dashAttr}/><text x="${M.left + 20}" y="${ly + 1}">${xml(s.name)}</text></g>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
