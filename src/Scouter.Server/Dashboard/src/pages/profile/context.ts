import type { TimeRange } from '../../range';
import type { Scope } from '../../router';
import type { ProfileInfo, StoredProfile } from '../../types';
import { time } from '../../format';

/** What every tab of a profile page knows. */
export interface ProfileContext {
  uid: string;
  stored: StoredProfile;
  /** Registration metadata; null when the list did not return it. */
  info: ProfileInfo | null;
  space: string;
  range: TimeRange;
}

export interface TabView {
  /** The URL changed within the tab (feature, bucket); false: mount the tab again. */
  update?(url: URL): boolean;
}

export type TabFactory = (root: HTMLElement, ctx: ProfileContext, url: URL, scope: Scope) => TabView | void;

/** A bucket start as a short axis label, "05-01 13:00" (full time in tooltips and tables). */
export function bucketLabel(iso: string): string {
  return time(iso).slice(5);
}
