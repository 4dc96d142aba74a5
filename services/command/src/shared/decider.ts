import type { Actor } from '@nagare/contracts';

/** A domain event as the deciders produce it: the record's short name and its data (the record without `meta`). */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
  /**
   * Who caused it, from the stored metadata. Deciders leave it out (the handler stamps the
   * command's actor); evolve reads it where the actor matters (e.g. who requested a command).
   */
  actor?: Actor;
}

/** The data of an event record: everything but the envelope, which the store and relay add. */
export type EventData<R extends { meta: unknown }> = Omit<R, 'meta'>;

/** Roles of the security model (design.md). */
export type Role = 'viewer' | 'operator' | 'approver' | 'admin' | 'auditor';

/** Who asks and when: every command carries it, so deciders never read a clock. */
export interface CommandContext {
  actor: Actor;
  roles?: readonly Role[];
  /** Epoch milliseconds the command is decided at. */
  at: number;
}

/** A rule of the domain refused the command; `code` is stable and machine-readable. */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Emmett-style decider: pure functions, no I/O, no clock. */
export interface Decider<Command, Event extends DomainEvent, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

export const fold = <E extends DomainEvent, S>(decider: Decider<unknown, E, S>, events: readonly E[]): S =>
  events.reduce((s, e) => decider.evolve(s, e), decider.initialState());

/** Events of one record type, typed from the contracts. */
export const event = <T extends string, D>(type: T, data: D): DomainEvent<T, D> => ({ type, data });
