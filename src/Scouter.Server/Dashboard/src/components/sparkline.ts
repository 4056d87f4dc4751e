import { svg } from '../dom';
import { num } from '../format';

/**
 * A small SVG line of <paramref>values</paramref> (nulls break the line), with an optional
 * dashed reference level. It is described in its label; the numbers are in the charts' tables.
 */
export function sparkline(values: readonly (number | null)[], label: string, reference?: number | null): SVGSVGElement {
  const width = 120;
  const height = 28;
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const top = Math.max(...present, reference ?? -Infinity, 0);
  const bottom = Math.min(...present, 0);
  const span = top - bottom || 1;
  const x = (i: number) => (values.length <= 1 ? width / 2 : (i / (values.length - 1)) * (width - 4) + 2);
  const y = (v: number) => height - 2 - ((v - bottom) / span) * (height - 4);
  const segments: string[] = [];
  let current = '';
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      if (current) segments.push(current);
      current = '';
      return;
    }
    current += `${current ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
  });
  if (current) segments.push(current);
  const summary = present.length === 0 ? `${label}: no data` : `${label}: min ${num(Math.min(...present))}, max ${num(Math.max(...present))}, last ${num(present[present.length - 1])}`;
  const children: SVGElement[] = [svg('title', {})];
  children[0]!.textContent = summary;
  if (reference !== undefined && reference !== null && Number.isFinite(reference)) {
    children.push(svg('line', { x1: 0, x2: width, y1: y(reference).toFixed(1), y2: y(reference).toFixed(1), class: 'spark-ref' }));
  }
  for (const d of segments) children.push(svg('path', { d, class: 'spark-line' }));
  if (present.length === 1) {
    const i = values.findIndex((v) => v !== null);
    children.push(svg('circle', { cx: x(i).toFixed(1), cy: y(present[0] ?? 0).toFixed(1), r: 2, class: 'spark-dot' }));
  }
  return svg('svg', { class: 'sparkline', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': summary }, ...children);
}
