import { createContext, useContext } from 'react';
import type { AppController } from '../services/controller.js';

export const ControllerContext = createContext<AppController | null>(null);

export function useController(): AppController {
  const c = useContext(ControllerContext);
  if (!c) throw new Error('ControllerContext is missing');
  return c;
}
