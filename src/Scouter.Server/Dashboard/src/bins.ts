// Readable names of PSI bin ids (PsiFeatureProfile): 0 = missing, -1 = unseen category, 1..B =
// value bins — numeric bins are right-closed between the interior edges, (-inf, e1], (e1, e2],
// ..., (ek, +inf); categorical bins are the profile's categories in order.

import { num } from './format';
import type { PsiFeatureProfile } from './types';

export const missingKey = '0';
export const unseenKey = '-1';

/** The label of bin <paramref>key</paramref>; "bin k" when the profile is not known. */
export function binLabel(key: string, feature: PsiFeatureProfile | undefined): string {
  if (key === missingKey) return 'missing';
  if (key === unseenKey) return 'unseen';
  const id = Number(key);
  if (!feature || !Number.isInteger(id) || id < 1) return `bin ${key}`;
  if (feature.kind === 'categorical') {
    const category = feature.categories?.[id - 1];
    if (category === undefined) return `bin ${key}`;
    return category === '__other__' ? 'other (rare categories)' : category;
  }
  const edges = feature.edges ?? [];
  if (edges.length === 0) return 'all values';
  if (id === 1) return `(−∞, ${num(edges[0])}]`;
  if (id === edges.length + 1) return `(${num(edges[edges.length - 1])}, +∞)`;
  if (id > edges.length + 1) return `bin ${key}`;
  return `(${num(edges[id - 2])}, ${num(edges[id - 1])}]`;
}

/** Bin ids in reading order: value bins 1..B, then missing, then unseen. */
export function binKeys(...maps: (Record<string, unknown> | null | undefined)[]): string[] {
  const keys = new Set<string>();
  for (const map of maps) for (const key of Object.keys(map ?? {})) keys.add(key);
  const rank = (k: string) => {
    const n = Number(k);
    return n >= 1 ? n : n === 0 ? Number.MAX_SAFE_INTEGER - 1 : Number.MAX_SAFE_INTEGER;
  };
  return [...keys].sort((a, b) => rank(a) - rank(b));
}
