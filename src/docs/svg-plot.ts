/**
 * A line plot as a self-contained SVG, made by the generator from a
 * simulation's series: axes with round ticks, one polyline per series (each
 * in a <g class="series" data-name="..."> so tests can find it), a legend.
 * Output depends only on the data, so regenerated plots are byte-identical.
 */
import type { SimPlot } from '../model/spec.js';

const W = 680;
const H = 380;
const M = { left: 70, right: 180, top: 40, bottom: 55 };
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

/** Round tick values covering [lo, hi]: steps of 1, 2 or 5 × 10^k. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (hi <= lo) hi = lo + 1;
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.floor(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

export function svgPlot(p: SimPlot): string {
  const pts = p.series.flatMap((s) => s.points);
  const xs = ticks(Math.min(...pts.map((q) => q[0])), Math.max(...pts.map((q) => q[0])));
  const ys = ticks(Math.min(0, ...pts.map((q) => q[1])), Math.max(...pts.map((q) => q[1])));
  const [x0, x1, y0, y1] = [xs[0], xs.at(-1)!, ys[0], ys.at(-1)!];
  const px = (x: number) => M.left + ((x - x0) / (x1 - x0 || 1)) * (W - M.left - M.right);
  const py = (y: number) => H - M.bottom - ((y - y0) / (y1 - y0 || 1)) * (H - M.top - M.bottom);
  const r = (v: number) => v.toFixed(1);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<title>${xml(p.title)}</title>`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${xml(p.title)}</text>`,
    `<g class="axes" stroke="#444">`,
    `<line x1="${M.left}" y1="${H - M.bottom}" x2="${W - M.right}" y2="${H - M.bottom}"/>`,
    `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${H - M.bottom}"/>`,
    `</g>`,
    `<g class="ticks" fill="#222">`,
  ];
  for (const x of xs) {
    out.push(`<line x1="${r(px(x))}" y1="${H - M.bottom}" x2="${r(px(x))}" y2="${H - M.bottom + 5}" stroke="#444"/>`);
    out.push(`<text x="${r(px(x))}" y="${H - M.bottom + 18}" text-anchor="middle">${num(x)}</text>`);
  }
  for (const y of ys) {
    out.push(`<line x1="${M.left - 5}" y1="${r(py(y))}" x2="${W - M.right}" y2="${r(py(y))}" stroke="#ddd"/>`);
    out.push(`<text x="${M.left - 8}" y="${r(py(y) + 4)}" text-anchor="end">${num(y)}</text>`);
  }
  out.push('</g>');
  out.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 12}" text-anchor="middle">${xml(p.xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${xml(p.yLabel)}</text>`);
  p.series.forEach((s, i) => {
    const c = PALETTE[i % PALETTE.length];
    const line = s.points.map(([x, y]) => `${r(px(x))},${r(py(y))}`).join(' ');
    out.push(`<g class="series" data-name="${xml(s.name)}" stroke="${c}" fill="${c}">`);
    out.push(`<polyline points="${line}" fill="none" stroke-width="2"/>`);
    for (const [x, y] of s.points) out.push(`<circle cx="${r(px(x))}" cy="${r(py(y))}" r="2.5"/>`);
    out.push('</g>');
    const ly = M.top + 10 + i * 20;
    out.push(`<g class="legend"><rect x="${W - M.right + 15}" y="${ly - 9}" width="12" height="12" fill="${c}"/><text x="${W - M.right + 32}" y="${ly + 1}">${xml(s.name)}</text></g>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
