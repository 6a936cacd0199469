import type { DirectoryProblem } from '../directory-record.ts';
import type { JoinChange } from './plan.ts';

/**
 * Orders joiners so that one whose supervisor also joins comes after that supervisor, and every
 * reference exists when its row is written. `bossOf[i]` is the index of the joiner supervising
 * joiner i, or -1. A supervisor cycle among joiners is cut (that link left empty) and reported.
 */
export function orderJoins(joins: JoinChange[], bossOf: Int32Array, problems: DirectoryProblem[]): JoinChange[] {
  cutCycles(joins, bossOf, problems);
  const depth = new Int32Array(joins.length).fill(-1);
  let deepest = 0;
  for (let start = 0; start < joins.length; start += 1) {
    const path: number[] = [];
    let at = start;
    while (at !== -1 && (depth[at] ?? 0) < 0) {
      path.push(at);
      at = bossOf[at] ?? -1;
    }
    let next = at === -1 ? 0 : (depth[at] ?? 0) + 1;
    for (let i = path.length - 1; i >= 0; i -= 1) {
      depth[path[i] ?? 0] = next;
      next += 1;
    }
    deepest = Math.max(deepest, next - 1);
  }
  // A counting sort by depth keeps the file's order among joiners of the same depth.
  const starts = new Int32Array(deepest + 2);
  for (const d of depth) starts[d + 1] = (starts[d + 1] ?? 0) + 1;
  for (let d = 1; d < starts.length; d += 1) starts[d] = (starts[d] ?? 0) + (starts[d - 1] ?? 0);
  const ordered = new Array<JoinChange>(joins.length);
  joins.forEach((join, i) => {
    const d = depth[i] ?? 0;
    ordered[starts[d] ?? 0] = join;
    starts[d] = (starts[d] ?? 0) + 1;
  });
  return ordered;
}

/** Walks up from each joiner; a walk that meets itself cuts the link that closed the loop. */
function cutCycles(joins: JoinChange[], bossOf: Int32Array, problems: DirectoryProblem[]): void {
  const done = new Uint8Array(joins.length);
  const onPath = new Uint8Array(joins.length);
  for (let start = 0; start < joins.length; start += 1) {
    const path: number[] = [];
    let at = start;
    while (at !== -1 && done[at] === 0) {
      if (onPath[at] === 1) {
        const last = path[path.length - 1] ?? start;
        const join = joins[last];
        if (join) {
          problems.push({ ref: join.externalId, reason: 'supervisors form a cycle; this supervisor link was left empty' });
          join.supervisorId = null;
        }
        bossOf[last] = -1;
        break;
      }
      onPath[at] = 1;
      path.push(at);
      at = bossOf[at] ?? -1;
    }
    for (const member of path) {
      done[member] = 1;
      onPath[member] = 0;
    }
  }
}
