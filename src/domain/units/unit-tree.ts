import type { UnitLink } from './units.repo.ts';

/** The given units that exist in the tree, and every unit beneath them. */
export function collectDescendants(links: readonly UnitLink[], roots: Iterable<string>): Set<string> {
  const known = new Set(links.map((link) => link.id));
  const children = new Map<string, string[]>();
  for (const link of links) {
    if (link.parentId === null) continue;
    const siblings = children.get(link.parentId);
    if (siblings) siblings.push(link.id);
    else children.set(link.parentId, [link.id]);
  }
  const found = new Set<string>();
  const pending = [...roots].filter((id) => known.has(id));
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    if (found.has(id)) continue;
    found.add(id);
    pending.push(...(children.get(id) ?? []));
  }
  return found;
}
