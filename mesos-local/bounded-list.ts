/** Appends, dropping the oldest beyond `max`: the completed tasks, executors, frameworks and statuses kept for /state stay bounded. */
export function pushBounded<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
}
