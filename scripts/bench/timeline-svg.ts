// Draws the large stack's loads as an SVG timeline: one panel per phase that loads (same seconds
// scale in each), one row per data model, one bar per load from its start to its end, and a thin
// whisker from the load's end to the moment the first resource it served finished (the detection
// lag). Hand-written SVG: a few rectangles and lines need no charting library.

import { detections } from "./metrics";
import type { PhaseRecord } from "./phase-run";

export interface TimelineBar {
  row: number;
  /** Seconds since the phase began. */
  start: number;
  end: number;
  detected: number | null;
}

export interface TimelinePanel {
  title: string;
  color: string;
  seconds: number;
  bars: TimelineBar[];
}

export const PHASE_COLORS: Record<string, string> = {
  "create-default": "#1f77b4",
  "update-default": "#6baed6",
  "create-p64": "#d62728",
  "update-p64": "#fc9272",
};

/** The panels of one run: every phase that started loads, in the order it ran. */
export function timelinePanels(
  records: PhaseRecord[],
  modelIds: string[],
  label: (p: PhaseRecord) => string,
) {
  return records
    .filter((r) => r.loads.length > 0)
    .map((r): TimelinePanel => {
      const at = (t: number | null) => (t === null ? null : (t - r.startedAt) / 1000);
      const bars = detections(r.loads, r.requests, r.steps).map((d) => ({
        row: modelIds.indexOf(d.load.dataModelId),
        start: at(d.load.startDate) ?? 0,
        end: at(d.load.endDate) ?? 0,
        detected: at(d.completedAt),
      }));
      return { title: label(r), color: PHASE_COLORS[r.phase] ?? "#888", seconds: r.wallMs / 1000, bars };
    });
}

const ROW = 9;
const LEFT = 44;
const WIDTH = 960;
const HEAD = 22;
const AXIS = 18;

const esc = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const n = (x: number): string => (Math.round(x * 10) / 10).toString();

/** One panel's elements, its top at `y`; `scale` px per second. */
function panel(p: TimelinePanel, rows: string[], y: number, scale: number): string[] {
  const top = y + HEAD;
  const height = rows.length * ROW;
  const out = [`<text x="${LEFT}" y="${y + 14}" class="title">${esc(p.title)}</text>`];
  rows.forEach((r, i) => {
    if (i % 2 === 0)
      out.push(
        `<rect x="${LEFT}" y="${top + i * ROW}" width="${WIDTH - LEFT - 10}" height="${ROW}" class="band"/>`,
      );
    out.push(`<text x="${LEFT - 4}" y="${top + i * ROW + ROW - 1.5}" class="row">${esc(r)}</text>`);
  });
  const step = p.seconds > 60 ? 10 : 5;
  for (let s = 0; s <= p.seconds; s += step) {
    const x = LEFT + s * scale;
    out.push(`<line x1="${n(x)}" y1="${top}" x2="${n(x)}" y2="${top + height}" class="grid"/>`);
    out.push(`<text x="${n(x)}" y="${top + height + 12}" class="tick">${s} s</text>`);
  }
  const endX = LEFT + p.seconds * scale;
  out.push(`<line x1="${n(endX)}" y1="${top - 2}" x2="${n(endX)}" y2="${top + height}" class="end"/>`);
  for (const b of p.bars) {
    const by = top + b.row * ROW + 1;
    const w = Math.max(1, (b.end - b.start) * scale);
    out.push(
      `<rect x="${n(LEFT + b.start * scale)}" y="${by}" width="${n(w)}" height="${ROW - 2}" fill="${p.color}"/>`,
    );
    if (b.detected !== null && b.detected > b.end)
      out.push(
        `<line x1="${n(LEFT + b.end * scale)}" y1="${by + (ROW - 2) / 2}" x2="${n(LEFT + b.detected * scale)}" y2="${by + (ROW - 2) / 2}" class="lag"/>`,
      );
  }
  return out;
}

/** The whole SVG document. */
export function timelineSvg(title: string, rows: string[], panels: TimelinePanel[]): string {
  const longest = Math.max(
    1,
    ...panels.map((p) => p.seconds),
    ...panels.flatMap((p) => p.bars.map((b) => b.detected ?? b.end)),
  );
  const scale = (WIDTH - LEFT - 20) / longest;
  const panelHeight = HEAD + rows.length * ROW + AXIS + 8;
  const height = 40 + panels.length * panelHeight;
  const body: string[] = [];
  panels.forEach((p, i) => body.push(...panel(p, rows, 36 + i * panelHeight, scale)));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    "<style>.title{font-size:12px;font-weight:bold}.row{font-size:8px;text-anchor:end;fill:#444}" +
      ".tick{font-size:8px;text-anchor:middle;fill:#666}.band{fill:#f4f4f4}.grid{stroke:#ddd;stroke-width:0.5}" +
      ".end{stroke:#000;stroke-width:1;stroke-dasharray:3 2}.lag{stroke:#222;stroke-width:1}</style>",
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="${LEFT}" y="16" font-size="13px">${esc(title)}</text>`,
    `<text x="${LEFT}" y="30" font-size="9px" fill="#555">bar: a load (emulator start → end) · whisker: end → first resource it served finished · dashed: the CLI's last line</text>`,
    ...body,
    "</svg>",
    "",
  ].join("\n");
}
