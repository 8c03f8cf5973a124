// Main process: the one place IPC enters. Every channel checks who is calling, then parses the argument with the
// contract's zod schema, and only then reaches the handler; failures travel back as DesktopResult values.
import { z } from 'zod';
import { DESKTOP_ARGS, DESKTOP_CHANNELS } from '../protocol/desktop.js';
import type { DesktopError, DesktopHandlers, DesktopInvokeMethod } from '../protocol/desktop.js';

/** The slice of IpcMainInvokeEvent we look at. */
export interface InvokeEventLike {
  senderFrame: { url: string; parent: unknown } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

const METHODS = Object.keys(DESKTOP_CHANNELS) as DesktopInvokeMethod[];

export function registerIpcHandlers(deps: {
  ipcMain: IpcMainLike;
  handlers: DesktopHandlers;
  isTrustedSender: (frame: InvokeEventLike['senderFrame']) => boolean;
  onError?: (method: DesktopInvokeMethod, err: unknown) => void;
}): () => void {
  const { ipcMain, handlers, isTrustedSender } = deps;
  for (const method of METHODS) {
    ipcMain.handle(DESKTOP_CHANNELS[method], (event, ...args) => dispatch(method, event, args));
  }

  async function dispatch(method: DesktopInvokeMethod, event: InvokeEventLike, args: unknown[]): Promise<unknown> {
    if (!isTrustedSender(event.senderFrame)) {
      return fail('FORBIDDEN_SENDER', 'This page may not use the desktop API');
    }
    if (args.length > 1) return fail('INVALID_ARGUMENT', `${method} takes at most one argument`);
    const parsed = DESKTOP_ARGS[method].safeParse(args[0]);
    if (!parsed.success) return fail('INVALID_ARGUMENT', `${method}: ${z.prettifyError(parsed.error)}`);
    try {
      // The map is keyed by the same method, so the parsed value fits that handler; TS cannot see through the union.
      const handler = handlers[method] as (arg: unknown) => Promise<unknown>;
      return await handler(parsed.data);
    } catch (err) {
      deps.onError?.(method, err);
      return fail('INTERNAL', 'Unexpected error in the desktop app');
    }
  }

  return () => {
    for (const method of METHODS) ipcMain.removeHandler(DESKTOP_CHANNELS[method]);
  };
}

function fail(code: DesktopError['code'], message: string): { ok: false; error: DesktopError } {
  return { ok: false, error: { code, message } };
}
