// A tiny typed event emitter that runs in browsers and Node alike.
type Listener<A extends unknown[]> = (...args: A) => void;

export class Emitter<E extends { [K in keyof E]: unknown[] }> {
  private readonly listeners = new Map<keyof E, Set<Listener<never[]>>>();

  on<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as unknown as Listener<never[]>);
    return () => set.delete(listener as unknown as Listener<never[]>);
  }

  protected emit<K extends keyof E>(event: K, ...args: E[K]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        (listener as unknown as Listener<E[K]>)(...args);
      } catch (err) {
        // One faulty listener must not stop delivery to the others.
        console.error(err);
      }
    }
  }
}
