/**
 * Argument packing for adapters with few storage bindings per stage (WebGPU compatibility mode
 * guarantees 4). Bindings with the same access and element type are merged into one array:
 * before the dispatch the backend copies each member's region into a scratch buffer, points the
 * member's `u.<name>_o` at its place there, and after the dispatch copies written regions back.
 * The kernel's code is unchanged except that `member[` reads `group[`.
 */
import type { BindingDecl, ShaderSpec } from './spec.js';

export interface PackGroup {
  readonly name: string;
  readonly decl: BindingDecl;
  /** Indices of the spec's bindings merged into this group. */
  readonly members: readonly number[];
  /** Byte alignment of each member's region in the group (16 for vec4 arrays). */
  readonly align: number;
}

export interface PackPlan {
  /** The bindings the packed shader declares: unpacked ones first (in spec order), then the groups. */
  readonly bindings: readonly BindingDecl[];
  /** For each declared binding: the spec binding it is, or the group it is. */
  readonly slots: readonly ({ kind: 'direct'; index: number } | { kind: 'group'; group: number })[];
  readonly groups: readonly PackGroup[];
  /** [member name, group name] for the code rewrite. */
  readonly renames: readonly (readonly [string, string])[];
}

/** A packing of `spec` into at most `limit` storage bindings, or undefined when it already fits. */
export function planPacking(spec: ShaderSpec, limit: number): PackPlan | undefined {
  const n = spec.bindings.length;
  if (n <= limit) return undefined;
  const classes = new Map<string, number[]>();
  spec.bindings.forEach((b, i) => {
    const key = `${b.access}:${b.elem}`;
    const list = classes.get(key) ?? [];
    list.push(i);
    classes.set(key, list);
  });
  // Read-only groups first (no copy back), the largest first (each saves members - 1 bindings).
  const candidates = [...classes.values()]
    .filter((m) => m.length > 1)
    .sort((a, b) => {
      const ra = spec.bindings[a[0]!]!.access === 'read' ? 0 : 1;
      const rb = spec.bindings[b[0]!]!.access === 'read' ? 0 : 1;
      return ra - rb || b.length - a.length;
    });
  let count = n;
  const chosen: number[][] = [];
  for (const members of candidates) {
    if (count <= limit) break;
    chosen.push(members);
    count -= members.length - 1;
  }
  if (count > limit) {
    throw new Error(
      `${spec.key}: needs ${n} storage buffers and still ${count} after packing, but the adapter allows ${limit} per stage`,
    );
  }
  const packedIndex = new Map<number, number>();
  chosen.forEach((members, g) => {
    for (const m of members) packedIndex.set(m, g);
  });
  const bindings: BindingDecl[] = [];
  const slots: PackPlan['slots'][number][] = [];
  spec.bindings.forEach((b, i) => {
    if (packedIndex.has(i)) return;
    bindings.push(b);
    slots.push({ kind: 'direct', index: i });
  });
  const groups: PackGroup[] = chosen.map((members, g) => {
    const first = spec.bindings[members[0]!]!;
    const name = `packed${g}`;
    const decl: BindingDecl = { name, elem: first.elem, access: first.access, unitBytes: 4 };
    bindings.push(decl);
    slots.push({ kind: 'group', group: g });
    return { name, decl, members, align: first.elem.startsWith('vec4') ? 16 : 4 };
  });
  const renames = groups.flatMap((g) => g.members.map((m) => [spec.bindings[m]!.name, g.name] as const));
  return { bindings, slots, groups, renames };
}
