/**
 * What every transition table of ours shares (payments, refunds): a list of edges from a
 * status (or from nothing, for creation) through an event to a status, and the lookup.
 * Each table keeps its own statuses, events and error, in its own module.
 */

export interface Edge<Status extends string, Event extends string> {
  /** null: the object does not exist yet (its creation is an edge too). */
  from: Status | null;
  event: Event;
  to: Status;
}

/**
 * Where `event` takes an object that is `from`, or undefined when the table has no such edge.
 *
 * @example nextStatus([{ from: null, event: 'create', to: 'pending' }], null, 'create') // "pending"
 */
export function nextStatus<Status extends string, Event extends string>(
  edges: readonly Edge<Status, Event>[],
  from: Status | null,
  event: Event,
): Status | undefined {
  return edges.find((edge) => edge.from === from && edge.event === event)?.to;
}
