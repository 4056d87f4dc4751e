import { h, uniqueId } from '../dom';

export interface TabDef {
  key: string;
  label: string;
}

/**
 * An ARIA tab list (arrow keys, Home, End move and select; the selected tab alone is in the tab
 * order). Selecting calls <paramref>onSelect</paramref>; the caller renders the panel.
 */
export function tabList(tabs: TabDef[], selected: string, onSelect: (key: string) => void, label: string): { list: HTMLElement; panel: HTMLElement; select: (key: string) => void } {
  const panelId = uniqueId('tabpanel');
  const buttons = tabs.map((t) => h('button', {
    type: 'button', role: 'tab', id: uniqueId('tab'), 'aria-controls': panelId, 'data-testid': `tab-${t.key}`, 'data-tab': t.key,
    onclick: () => onSelect(t.key),
    onkeydown: (event) => {
      const index = tabs.findIndex((x) => x.key === t.key);
      const next = event.key === 'ArrowRight' ? index + 1 : event.key === 'ArrowLeft' ? index - 1 : event.key === 'Home' ? 0 : event.key === 'End' ? tabs.length - 1 : null;
      if (next === null) return;
      event.preventDefault();
      const target = tabs[(next + tabs.length) % tabs.length];
      if (!target) return;
      onSelect(target.key);
      buttons[(next + tabs.length) % tabs.length]?.focus();
    },
  }, t.label));
  const panel = h('div', { role: 'tabpanel', id: panelId, tabindex: 0, class: 'tabpanel' });
  const select = (key: string) => {
    buttons.forEach((b, i) => {
      const on = tabs[i]?.key === key;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
      if (on) panel.setAttribute('aria-labelledby', b.id);
    });
  };
  select(selected);
  return { list: h('div', { role: 'tablist', class: 'tabs', 'aria-label': label }, buttons), panel, select };
}
