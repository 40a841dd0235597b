/**
 * Interned events: edges and traces refer to events by index. Models often
 * return the same event objects every time (found by identity); otherwise
 * equal events share an index by canonical key.
 */
import type { EventObject } from 'xstate';
import { eventKey, type EventKey } from './key.js';

export class EventTable {
  private readonly events: EventObject[] = [];
  private readonly byKey = new Map<EventKey, number>();
  private readonly byIdentity = new WeakMap<EventObject, number>();

  intern(e: EventObject): number {
    let i = this.byIdentity.get(e);
    if (i !== undefined) return i;
    const k = eventKey(e);
    i = this.byKey.get(k);
    if (i === undefined) {
      i = this.events.length;
      this.events.push(e);
      this.byKey.set(k, i);
    }
    this.byIdentity.set(e, i);
    return i;
  }

  /** The index of an event already interned, if any. */
  find(e: EventObject): number | undefined {
    return this.byIdentity.get(e) ?? this.byKey.get(eventKey(e));
  }

  get(index: number): EventObject {
    return this.events[index];
  }
}
