/**
 * The netlink interface table (src/net/netlink/interface-table.ts) as the
 * LinkSource track_interface needs: `linkUp(name)` and one `link` event per
 * change of a name's state.
 *
 * The table speaks in links (by index) and emits added / removed / changed /
 * up / down; a tracker speaks in names. A rename moves the name: the old name
 * goes down (nothing carries it any more) and the new one takes the link's
 * state; a removed link's name goes down; a link created under a tracked
 * name brings it up if the link is up. Every table event funnels into one
 * comparison per name against what was last reported, so each real change
 * is reported once, whichever events the table used to describe it (a resync
 * after lost notifications included).
 */
import { EventEmitter } from 'node:events';
import type { LinkEvent, LinkSource } from './interface.js';

/** The part of InterfaceTable used here (structural, so tests can stand in for it). */
export interface LinkTable {
  linkByName(name: string): { readonly up: boolean } | undefined;
  on(event: 'linkAdded' | 'linkRemoved' | 'linkUp' | 'linkDown', listener: (link: { readonly name: string; readonly up: boolean }) => void): unknown;
  on(event: 'linkChanged', listener: (link: { readonly name: string; readonly up: boolean }, previous: { readonly name: string; readonly up: boolean }) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
}

export class InterfaceTableLinks extends EventEmitter<{ link: [LinkEvent] }> implements LinkSource {
  /** The state last reported per name (names never asked about are still reported). */
  private readonly reported = new Map<string, boolean>();
  private readonly onLink = (link: { readonly name: string }): void => this.refresh(link.name);
  private readonly onChanged = (link: { readonly name: string }, previous: { readonly name: string }): void => {
    if (previous.name !== link.name) this.refresh(previous.name);
    this.refresh(link.name);
  };

  constructor(private readonly table: LinkTable) {
    super();
    for (const e of ['linkAdded', 'linkRemoved', 'linkUp', 'linkDown'] as const) table.on(e, this.onLink);
    table.on('linkChanged', this.onChanged);
  }

  linkUp(name: string): boolean | undefined {
    const link = this.table.linkByName(name);
    return link === undefined ? undefined : link.up;
  }

  /** Stops following the table. */
  close(): void {
    for (const e of ['linkAdded', 'linkRemoved', 'linkUp', 'linkDown'] as const) this.table.off(e, this.onLink);
    this.table.off('linkChanged', this.onChanged);
  }

  private refresh(name: string): void {
    const up = this.table.linkByName(name)?.up === true;
    const before = this.reported.get(name);
    this.reported.set(name, up);
    if (before === up) return;
    // The first event for a name is reported too: the tracker ignores one that repeats its state.
    this.emit('link', { name, up });
  }
}
