// App process side of the harness channel: what the stand-in records goes to the test over the fork IPC channel;
// the test's commands (click a notification, wake from sleep, close the window...) come back the same way.
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Command {
  id: number;
  cmd: string;
  args: Json;
}

type Handler = (args: Json) => Json | Promise<Json>;
const handlers = new Map<string, Handler>();

export function record(kind: string, data: Json = null): void {
  process.send?.({ t: 'record', kind, data, at: Date.now() });
}

export function onCommand(cmd: string, handler: Handler): void {
  handlers.set(cmd, handler);
}

process.on('message', (raw) => {
  const msg = raw as Partial<Command>;
  if (typeof msg.id !== 'number' || typeof msg.cmd !== 'string') return;
  const handler = handlers.get(msg.cmd);
  const reply = (body: { result?: Json; error?: string }) => process.send?.({ t: 'reply', id: msg.id, ...body });
  if (!handler) {
    reply({ error: `unknown command ${msg.cmd}` });
    return;
  }
  Promise.resolve()
    .then(() => handler(msg.args ?? null))
    .then(
      (result) => reply({ result }),
      (err: unknown) => reply({ error: err instanceof Error ? err.message : String(err) }),
    );
});
// The IPC channel would keep the process alive after Electron would have exited; the stand-in exits explicitly.
process.channel?.unref();
