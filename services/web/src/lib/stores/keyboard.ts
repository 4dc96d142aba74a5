// Pages register handlers for the row/selection actions; the layout owns the keydown listener.
import type { Action } from '../util/keys';

type Handlers = Partial<Record<Action, () => void>>;
const stack: Handlers[] = [];

/** Register handlers while a page is mounted; the newest registration wins. Returns the unregister. */
export function useKeys(handlers: Handlers): () => void {
  stack.push(handlers);
  return () => {
    const i = stack.lastIndexOf(handlers);
    if (i >= 0) stack.splice(i, 1);
  };
}

export function runPageAction(action: Action): boolean {
  const h = stack[stack.length - 1]?.[action];
  if (!h) return false;
  h();
  return true;
}
