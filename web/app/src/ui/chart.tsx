// Plain SVG bar charts (the public portal, the response centre): no chart library. Each chart is an image with a title and a
// text description for screen readers; the same figures are in a table below it. A suppressed count ("<10")
// is drawn as an empty bar labelled "<10", never as a guessed value.
import { fmtNumber } from "../i18n";

export type Cell = number | string;
export interface Bar { label: string; value: Cell }

const value = (cell: Cell): number => (typeof cell === "number" ? cell : 0);
export const show = (cell: Cell | null | undefined): string =>
  cell === null || cell === undefined ? "—" : typeof cell === "number" ? fmtNumber(cell) : cell;

/** Horizontal bars (one per province): label, bar, value. */
export function BarsByLabel(props: { id: string; title: string; bars: Bar[]; unit?: string; labelWidth?: number }) {
  const { id, title, bars, unit = "", labelWidth = 150 } = props;
  const max = Math.max(1, ...bars.map((b) => value(b.value)));
  const row = 26, width = 640, barWidth = width - labelWidth - 90;
  const height = Math.max(row, bars.length * row) + 8;
  return (
    <figure class="chart" id={id}>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-title`} width="100%">
        <title id={`${id}-title`}>{title}</title>
        {bars.map((b, i) => {
          const y = 4 + i * row, w = Math.round((value(b.value) / max) * barWidth);
          return (
            <g key={b.label}>
              <text x={labelWidth - 6} y={y + 17} text-anchor="end" class="chart-label">{b.label}</text>
              <rect x={labelWidth} y={y + 4} width={Math.max(w, 1)} height={row - 8} class="chart-bar" />
              <text x={labelWidth + Math.max(w, 1) + 6} y={y + 17} class="chart-value">{show(b.value)}{unit}</text>
            </g>
          );
        })}
      </svg>
      <figcaption class="hint">{title}</figcaption>
    </figure>
  );
}

/** Vertical bars (one per day), the first and last day named under the axis. */
export function BarsByDay(props: { id: string; title: string; bars: Bar[] }) {
  const { id, title, bars } = props;
  const max = Math.max(1, ...bars.map((b) => value(b.value)));
  const width = 640, height = 200, top = 20, bottom = 30, left = 50;
  const step = (width - left) / Math.max(1, bars.length);
  const plot = height - top - bottom;
  return (
    <figure class="chart" id={id}>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-title`} width="100%">
        <title id={`${id}-title`}>{title}</title>
        <text x={left - 6} y={top + 4} text-anchor="end" class="chart-value">{fmtNumber(max)}</text>
        <text x={left - 6} y={top + plot} text-anchor="end" class="chart-value">0</text>
        <line x1={left} y1={top + plot} x2={width} y2={top + plot} class="chart-axis" />
        {bars.map((b, i) => {
          const h = Math.round((value(b.value) / max) * plot);
          return (
            <rect key={b.label} x={left + i * step + 1} y={top + plot - h} width={Math.max(1, step - 2)} height={h}
              class={typeof b.value === "number" ? "chart-bar" : "chart-bar suppressed"}>
              <title>{`${b.label}: ${show(b.value)}`}</title>
            </rect>
          );
        })}
        {bars.length ? <text x={left} y={height - 8} class="chart-label">{bars[0].label}</text> : null}
        {bars.length > 1 ? <text x={width} y={height - 8} text-anchor="end" class="chart-label">{bars[bars.length - 1].label}</text> : null}
      </svg>
      <figcaption class="hint">{title}</figcaption>
    </figure>
  );
}
