/**
 * A hand-made SVG of horizontal bar panels: no dependency, readable in any browser and on
 * GitHub. Each panel has its own scale (linear or log) and optional target marks.
 */
export interface Bar {
  label: string;
  value: number;
  /** Text at the end of the bar. */
  text: string;
  /** "good" (met / ours), "bad" (missed), "neutral" (reference). */
  tone?: "good" | "bad" | "neutral" | "muted";
}

export interface Panel {
  title: string;
  subtitle?: string;
  bars: Bar[];
  scale?: "linear" | "log";
  /** Axis range; defaults to 0 (or the smallest value, for log) .. the largest value or mark. */
  min?: number;
  max?: number;
  marks?: { value: number; label: string }[];
  /** Axis tick formatter. */
  tick?: (value: number) => string;
}

const WIDTH = 960;
const LABEL_W = 330;
const RIGHT_PAD = 150;
const BAR_H = 18;
const GAP = 8;
const COLORS = {
  good: "#2f855a",
  bad: "#c53030",
  neutral: "#4a5568",
  muted: "#a0aec0",
};

const esc = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function ticks(min: number, max: number, log: boolean): number[] {
  if (log) {
    const out: number[] = [];
    for (let p = Math.floor(Math.log10(min)); p <= Math.ceil(Math.log10(max)); p++)
      out.push(10 ** p);
    return out.filter((t) => t >= min * 0.999 && t <= max * 1.001);
  }
  const span = max - min;
  const step = 10 ** Math.floor(Math.log10(span / 4));
  const nice = [1, 2, 2.5, 5, 10].map((m) => m * step).find((s) => span / s <= 6) ?? step * 10;
  const out: number[] = [];
  for (let t = Math.ceil(min / nice) * nice; t <= max + 1e-9; t += nice) out.push(t);
  return out;
}

export function renderChart(title: string, subtitle: string, panels: Panel[]): string {
  const parts: string[] = [];
  let y = 84;
  const plotW = WIDTH - LABEL_W - RIGHT_PAD;
  for (const panel of panels) {
    const log = panel.scale === "log";
    const values = [
      ...panel.bars.map((b) => b.value),
      ...(panel.marks ?? []).map((m) => m.value),
    ].filter((v) => Number.isFinite(v) && (!log || v > 0));
    const lo = panel.min ?? (log ? 10 ** Math.floor(Math.log10(Math.min(...values))) : 0);
    const hi =
      panel.max ??
      (log ? 10 ** Math.ceil(Math.log10(Math.max(...values))) : Math.max(...values) * 1.05);
    const x = (v: number) => {
      const clamped = Math.min(Math.max(v, lo), hi);
      const t = log
        ? (Math.log10(clamped) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))
        : (clamped - lo) / (hi - lo);
      return LABEL_W + t * plotW;
    };
    parts.push(
      `<text x="16" y="${y}" class="panel">${esc(panel.title)}</text>`,
      panel.subtitle ? `<text x="16" y="${y + 16}" class="sub">${esc(panel.subtitle)}</text>` : "",
    );
    y += panel.subtitle ? 30 : 14;
    const top = y;
    const height = panel.bars.length * (BAR_H + GAP);
    for (const t of ticks(lo, hi, log)) {
      parts.push(
        `<line x1="${x(t).toFixed(1)}" y1="${top}" x2="${x(t).toFixed(1)}" y2="${top + height}" class="grid"/>`,
        `<text x="${x(t).toFixed(1)}" y="${top + height + 13}" class="tick">${esc(panel.tick ? panel.tick(t) : String(t))}</text>`,
      );
    }
    for (const [i, bar] of panel.bars.entries()) {
      const by = top + i * (BAR_H + GAP);
      const w = Number.isFinite(bar.value) && (!log || bar.value > 0) ? x(bar.value) - LABEL_W : 0;
      parts.push(
        `<text x="${LABEL_W - 10}" y="${by + BAR_H - 5}" class="label">${esc(bar.label)}</text>`,
        `<rect x="${LABEL_W}" y="${by}" width="${Math.max(w, 1).toFixed(1)}" height="${BAR_H}" rx="2" fill="${COLORS[bar.tone ?? "neutral"]}"/>`,
        `<text x="${(LABEL_W + Math.max(w, 1) + 6).toFixed(1)}" y="${by + BAR_H - 5}" class="value">${esc(bar.text)}</text>`,
      );
    }
    for (const mark of panel.marks ?? []) {
      const mx = x(mark.value).toFixed(1);
      parts.push(
        `<line x1="${mx}" y1="${top - 4}" x2="${mx}" y2="${top + height}" class="mark"/>`,
        `<text x="${mx}" y="${top - 7}" class="marklabel">${esc(mark.label)}</text>`,
      );
    }
    y = top + height + 44;
  }
  const svgHeight = y - 10;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${svgHeight}" viewBox="0 0 ${WIDTH} ${svgHeight}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif">
<style>
  .title { font-size: 19px; font-weight: 600; fill: #1a202c; }
  .subtitle { font-size: 12px; fill: #4a5568; }
  .panel { font-size: 14px; font-weight: 600; fill: #1a202c; }
  .sub { font-size: 11.5px; fill: #4a5568; }
  .label { font-size: 12px; fill: #2d3748; text-anchor: end; }
  .value { font-size: 12px; fill: #1a202c; }
  .tick { font-size: 10.5px; fill: #718096; text-anchor: middle; }
  .grid { stroke: #e2e8f0; stroke-width: 1; }
  .mark { stroke: #d69e2e; stroke-width: 2; stroke-dasharray: 4 3; }
  .marklabel { font-size: 10.5px; fill: #975a16; text-anchor: middle; }
</style>
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="16" y="26" class="title">${esc(title)}</text>
<text x="16" y="44" class="subtitle">${esc(subtitle)}</text>
${parts.filter(Boolean).join("\n")}
</svg>
`;
}
