// The suite's chart: per scenario, rows loaded over time (its slope is the throughput) and the throughput in
// one-second windows, for the kafkajs ceiling and the engine with default and tuned properties.
import { Canvas, type RGB } from './png';

export interface Series {
  label: string;
  color: RGB;
  /** [seconds, cumulative rows] */
  points: Array<[number, number]>;
}

export interface Panel {
  title: string;
  subtitle: string;
  series: Series[];
}

const AXIS: RGB = [60, 60, 60];
const GRID: RGB = [225, 225, 225];
const TEXT: RGB = [20, 20, 20];

function niceStep(max: number, ticks: number): number {
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw || 1));
  const n = raw / mag;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag;
}

function short(v: number): string {
  if (v >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (v >= 1e3) return `${+(v / 1e3).toFixed(1)}K`;
  return `${+v.toFixed(1)}`;
}

/** Rows per second over a trailing window, at `steps` points, from cumulative points (a step function). */
export function windowed(points: Array<[number, number]>, windowS: number, steps = 200): Array<[number, number]> {
  if (points.length < 2) return [];
  const at = (t: number): number => {
    let v = 0;
    for (const [pt, pr] of points) {
      if (pt <= t) v = pr;
      else break;
    }
    return v;
  };
  const end = points[points.length - 1]![0];
  const out: Array<[number, number]> = [];
  for (let i = 0; i <= steps; i++) {
    const t = (end * i) / steps;
    out.push([t, (at(t) - at(t - windowS)) / windowS]);
  }
  return out;
}

/** Cumulative counts change only at commits: draw them as steps. */
function steps(points: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const p of points) {
    const prev = out[out.length - 1];
    if (prev) out.push([p[0], prev[1]]);
    out.push(p);
  }
  return out;
}

function plot(c: Canvas, x: number, y: number, w: number, h: number, title: string, lines: Array<{ color: RGB; points: Array<[number, number]> }>, xMax: number, yLabel: string): void {
  const left = x + 70;
  const top = y + 44;
  const pw = w - 90;
  const ph = h - 86;
  c.text(x + 8, y + 4, title, TEXT, 2);
  const yMax = Math.max(1, ...lines.flatMap((l) => l.points.map((p) => p[1]))) * 1.05;
  const yStep = niceStep(yMax, 4);
  for (let v = 0; v <= yMax; v += yStep) {
    const py = top + ph - (v / yMax) * ph;
    c.line(left, py, left + pw, py, GRID);
    const label = short(v);
    c.text(left - 8 - Canvas.textWidth(label, 2), py - 7, label, AXIS, 2);
  }
  const xStep = niceStep(xMax, 6);
  for (let v = 0; v <= xMax + 1e-9; v += xStep) {
    const px = left + (v / xMax) * pw;
    c.line(px, top, px, top + ph, GRID);
    const label = `${+v.toFixed(1)}`;
    c.text(px - Canvas.textWidth(label, 2) / 2, top + ph + 8, label, AXIS, 2);
  }
  c.line(left, top, left, top + ph, AXIS, 2);
  c.line(left, top + ph, left + pw, top + ph, AXIS, 2);
  c.text(left + pw - Canvas.textWidth('SECONDS', 2), top + ph + 26, 'SECONDS', AXIS, 2);
  c.text(left + 8, top + 4, yLabel, AXIS, 2);
  for (const l of lines) {
    for (let i = 1; i < l.points.length; i++) {
      const [t0, v0] = l.points[i - 1]!;
      const [t1, v1] = l.points[i]!;
      c.line(left + (t0 / xMax) * pw, top + ph - (v0 / yMax) * ph, left + (t1 / xMax) * pw, top + ph - (v1 / yMax) * ph, l.color, 3);
    }
  }
}

export function throughputChart(title: string, footer: string, panels: Panel[]): Buffer {
  const colW = 560;
  const rowH = 300;
  const headH = 70;
  const legendH = 60;
  const width = Math.max(1, panels.length) * colW;
  const height = headH + 2 * rowH + legendH + 30;
  const c = new Canvas(width, height);
  c.text(16, 14, title, TEXT, 3);
  c.text(16, 46, footer, AXIS, 2);
  panels.forEach((p, i) => {
    const x = i * colW;
    const xMax = Math.max(1, ...p.series.flatMap((s) => s.points.map((q) => q[0])));
    const windowS = Math.max(0.25, Math.round((xMax / 5) * 4) / 4);
    plot(c, x, headH, colW, rowH, `${p.title}: ROWS LOADED`, p.series.map((s) => ({ color: s.color, points: steps(s.points) })), xMax, 'ROWS');
    plot(c, x, headH + rowH, colW, rowH, `${p.title}: ROWS/S, ${windowS} S WINDOW`, p.series.map((s) => ({ color: s.color, points: windowed(s.points, windowS) })), xMax, 'ROWS/S');
    c.text(x + 8, headH + 24, p.subtitle, AXIS, 2);
  });
  let lx = 16;
  const ly = headH + 2 * rowH + 30;
  for (const s of panels[0]?.series ?? []) {
    c.rect(lx, ly, 28, 8, s.color);
    lx += 36;
    lx += c.text(lx, ly - 3, s.label, TEXT, 2) + 30;
  }
  return c.png();
}
