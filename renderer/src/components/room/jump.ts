// How a message row asks its list to show another message (a reply's original): the list loads history back to
// it if needed, scrolls there and highlights it. A context, so memoised rows need no extra props.
import { createContext, useContext } from 'react';

export interface JumpApi {
  jumpTo(seq: number): void;
}

export const JumpContext = createContext<JumpApi>({ jumpTo: () => undefined });

export const useJump = (): JumpApi => useContext(JumpContext);
