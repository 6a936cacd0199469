/**
 * Charts drawn on the server as SVG: no script. Each is a figure with its title as caption, and
 * its numbers are text for screen readers: in the image's label, or in a table beside it.
 */

const ink = '#1b1f24';
const barColor = '#0b5cad';

export interface HorizontalBar {
  label: string;
  value: number;
  /** How the value reads (e.g. "3.5 h"); the number itself when absent. */
  text?: string;
  color?: string;
}

const labelWidth = 190;
const barArea = 300;
const rowHeight = 24;

function clipped(label: string, max = 28): string {
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

/** A horizontal bar per row, for long labels (function codes, unit names) and values with units. */
export function HorizontalBarChart(props: { title: string; rows: HorizontalBar[]; empty?: string }) {
  if (props.rows.length === 0) {
    return <figure class="chart"><figcaption>{props.title}</figcaption><p>{props.empty ?? 'Nothing to show.'}</p></figure>;
  }
  const max = Math.max(1e-9, ...props.rows.map((r) => r.value));
  const text = (r: HorizontalBar) => r.text ?? String(r.value);
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <svg viewBox={`0 0 ${labelWidth + barArea + 90} ${props.rows.length * rowHeight + 4}`} role="img" aria-label={`${props.title}: ${props.rows.map((r) => `${r.label} ${text(r)}`).join(', ')}`}>
        {props.rows.map((r, i) => {
          const y = i * rowHeight + 2;
          const w = Math.round((r.value / max) * barArea);
          return (
            <g>
              <text x={labelWidth - 6} y={y + 15} font-size="12" text-anchor="end" fill={ink}>{clipped(r.label)}</text>
              <rect x={labelWidth} y={y + 3} width={w} height={rowHeight - 8} fill={r.color ?? barColor} />
              <text x={labelWidth + w + 5} y={y + 15} font-size="12" fill={ink}>{text(r)}</text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

export interface StackSeries {
  key: string;
  label: string;
  color: string;
}

/**
 * One bar per column, stacked by series, its total on top; a legend names the colours and a table
 * under the chart gives every number.
 */
export function StackedBarChart(props: { title: string; columnName: string; seriesName: string; series: StackSeries[]; columns: { label: string; values: Record<string, number | undefined> }[] }) {
  const totals = props.columns.map((c) => props.series.reduce((sum, s) => sum + (c.values[s.key] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const width = 32;
  const gap = 10;
  const height = 140;
  const shown = props.series.filter((s) => props.columns.some((c) => (c.values[s.key] ?? 0) > 0));
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <svg viewBox={`0 0 ${props.columns.length * (width + gap)} ${height + 32}`} role="img" aria-label={`${props.title}, totals: ${props.columns.map((c, i) => `${c.label} ${totals[i] ?? 0}`).join(', ')}. The table below gives each by ${props.seriesName}.`}>
        {props.columns.map((c, i) => {
          const x = i * (width + gap);
          let top = height;
          return (
            <g>
              {props.series.map((s) => {
                const h = ((c.values[s.key] ?? 0) / max) * height;
                top -= h;
                return h > 0 ? <rect x={x} y={top} width={width} height={h} fill={s.color} /> : null;
              })}
              <text x={x + width / 2} y={top - 3} font-size="11" text-anchor="middle" fill={ink}>{totals[i] ?? 0}</text>
              <text x={x + width / 2} y={height + 14} font-size="10" text-anchor="middle" fill={ink}>{c.label}</text>
            </g>
          );
        })}
      </svg>
      {shown.length > 0 ? (
        <ul class="legend">
          {shown.map((s) => <li><svg viewBox="0 0 10 10" class="swatch" aria-hidden="true"><rect width="10" height="10" fill={s.color} /></svg>{s.label}</li>)}
        </ul>
      ) : null}
      <details>
        <summary>The numbers</summary>
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">{props.columnName}</th>{shown.map((s) => <th scope="col">{s.label}</th>)}<th scope="col">Total</th></tr></thead>
            <tbody>
              {props.columns.map((c, i) => <tr><th scope="row">{c.label}</th>{shown.map((s) => <td>{c.values[s.key] ?? 0}</td>)}<td>{totals[i] ?? 0}</td></tr>)}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
