import { type Decider, DomainError, type DomainEvent } from '../shared/decider';

/**
 * Given/When/Then specs for deciders (emmett style):
 * `given(events).when(command).then(events)` or `.thenFails(code)`.
 */
export function deciderSpec<C, E extends DomainEvent, S>(decider: Decider<C, E, S>) {
  return (given: readonly E[] = []) => ({
    when: (command: C) => {
      const run = () => decider.decide(command, given.reduce(decider.evolve, decider.initialState()));
      return {
        // biome-ignore lint/suspicious/noThenProperty: the Given/When/Then vocabulary; never awaited.
        then: (expected: readonly E[]) => {
          expect(run()).toEqual(expected);
        },
        thenNothing: () => {
          expect(run()).toEqual([]);
        },
        thenFails: (code: string) => {
          let error: unknown;
          try {
            run();
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(DomainError);
          expect((error as DomainError).code).toBe(code);
        },
      };
    },
  });
}
