// Who is signed in and what they may do. The server decides every request; this only decides
// which controls are offered (write-role controls are shown disabled, with the reason, to readers).

import type { Me, SpaceRole } from './types';

let current: Me | null = null;

export function user(): Me | null {
  return current;
}

export function setUser(me: Me | null): void {
  current = me;
}

const rank: Record<SpaceRole, number> = { read: 1, write: 2, admin: 3 };

/** The caller's role on <paramref>space</paramref> (a "*" grant covers every space). */
export function roleOn(space: string): SpaceRole | null {
  if (!current) return null;
  if (current.global_role === 'admin') return 'admin';
  let best: SpaceRole | null = null;
  for (const grant of current.spaces) {
    if (grant.space !== space && grant.space !== '*') continue;
    if (!best || rank[grant.role] > rank[best]) best = grant.role;
  }
  return best;
}

/** Null when the caller may write on <paramref>space</paramref>; else why not, for people. */
export function writeDenied(space: string): string | null {
  const role = roleOn(space);
  if (role && rank[role] >= rank.write) return null;
  return role ? `Needs the write role on space “${space}”; you have ${role}.` : `Needs the write role on space “${space}”.`;
}
