import type { DomainEvent } from './events.js';

/**
 * In-process typed event bus of domain events (events.ts). Services publish what changed; other services (the alert
 * engine, the Docker loops) and the WebSocket layer subscribe. A throwing subscriber is reported to `onError` and
 * never stops delivery to the others.
 */
export type BusEvent = DomainEvent;
export type BusEventType = BusEvent['type'];
type Handler<T extends BusEventType> = (event: Extract<BusEvent, { type: T }>) => void;

export class EventBus {
  private readonly handlers = new Map<string, Set<(e: BusEvent) => void>>();
  private readonly any = new Set<(e: BusEvent) => void>();

  constructor(private readonly onError: (err: unknown, event: BusEvent) => void = () => {}) {}

  on<T extends BusEventType>(type: T, handler: Handler<T>): () => void {
    let set = this.handlers.get(type);
    if (!set) this.handlers.set(type, (set = new Set()));
    const h = handler as (e: BusEvent) => void;
    set.add(h);
    return () => set!.delete(h);
  }

  onAny(handler: (e: BusEvent) => void): () => void {
    this.any.add(handler);
    return () => this.any.delete(handler);
  }

  emit(event: BusEvent): void {
    for (const h of [...(this.handlers.get(event.type) ?? []), ...this.any]) {
      try {
        h(event);
      } catch (err) {
        this.onError(err, event);
      }
    }
  }
}
