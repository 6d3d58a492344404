import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { RecordingLog } from '../../../src/core/log-port.js';
import type { InterfaceTable } from '../../../src/net/netlink/interface-table.js';
import { InterfaceTracker, type LinkEvent } from '../../../src/vrrp/track/interface.js';
import { InterfaceTableLinks, type LinkTable } from '../../../src/vrrp/track/link-source.js';

// The real table fits the adapter (checked by the compiler).
export type TableFits = InterfaceTable extends LinkTable ? true : never;
const fits: TableFits = true;

type L = { name: string; up: boolean; index: number };

/** Emits what InterfaceTable emits for the same kernel changes. */
class FakeTable extends EventEmitter {
  readonly links = new Map<number, L>();
  linkByName(name: string): L | undefined {
    return [...this.links.values()].find((l) => l.name === name);
  }
  add(l: L): void {
    this.links.set(l.index, l);
    this.emit('linkAdded', l);
  }
  change(index: number, to: Partial<L>): void {
    const prev = this.links.get(index)!;
    const next = { ...prev, ...to };
    this.links.set(index, next);
    this.emit('linkChanged', next, prev);
    if (prev.up !== next.up) this.emit(next.up ? 'linkUp' : 'linkDown', next);
  }
  remove(index: number): void {
    const l = this.links.get(index)!;
    this.links.delete(index);
    this.emit('linkRemoved', l);
  }
}

test('interface table adapter: one event per real change of a name, renames and removals included', () => {
  assert.equal(fits, true);
  const table = new FakeTable();
  table.links.set(2, { name: 'eth0', up: true, index: 2 });
  const links = new InterfaceTableLinks(table as unknown as LinkTable);
  const seen: string[] = [];
  links.on('link', (e: LinkEvent) => seen.push(`${e.name}:${e.up ? 'up' : 'down'}`));
  assert.equal(links.linkUp('eth0'), true);
  assert.equal(links.linkUp('eth9'), undefined);
  table.change(2, { up: false });
  table.change(2, { up: false }); // another attribute: nothing new
  table.change(2, { name: 'wan0' });
  table.add({ name: 'eth0', up: true, index: 3 });
  table.remove(3);
  assert.deepEqual(seen, ['eth0:down', 'wan0:down', 'eth0:up', 'eth0:down']);

  const tracker = new InterfaceTracker({ name: 'wan0' }, links, new RecordingLog());
  const t: string[] = [];
  tracker.on('change', (c) => t.push(c.status));
  tracker.start();
  table.change(2, { up: true });
  assert.deepEqual(t, ['down', 'up']);
  links.close();
  table.change(2, { up: false });
  assert.deepEqual(t, ['down', 'up']);
});
