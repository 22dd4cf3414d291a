/**
 * Module base in the PyTorch style: parameters and child modules are registered under names, so
 * `namedParameters()` yields exactly the checkpoint keys (`model.layers.0.self_attn.q_proj.weight`).
 * Parameters are owned by their module (never disposed by `tidy`) and freed by `dispose()`.
 */
import { keep } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';

export class Module {
  training = true;
  private readonly params = new Map<string, Tensor>();
  private readonly children = new Map<string, Module>();

  /** Registers a trainable parameter (requiresGrad on, exempt from scopes). */
  protected addParameter(name: string, t: Tensor): Tensor {
    if (this.params.has(name) || this.children.has(name)) throw new Error(`Module: ${name} is already registered`);
    keep(t);
    t.requiresGrad = true;
    this.params.set(name, t);
    return t;
  }

  protected addModule<M extends Module>(name: string, m: M): M {
    if (this.params.has(name) || this.children.has(name)) throw new Error(`Module: ${name} is already registered`);
    this.children.set(name, m);
    return m;
  }

  /** Replaces a registered child (e.g. wrapping a Linear with a LoRA adapter). */
  setModule(name: string, m: Module): void {
    if (!this.children.has(name)) throw new Error(`Module.setModule: no child named ${name}`);
    this.children.set(name, m);
  }

  /** [dotted name, parameter] pairs, each parameter once (first name wins, as PyTorch). */
  namedParameters(prefix = ''): [string, Tensor][] {
    const seen = new Set<Tensor>();
    const out: [string, Tensor][] = [];
    const walk = (m: Module, p: string) => {
      for (const [name, t] of m.params) {
        if (seen.has(t)) continue;
        seen.add(t);
        const full = p + name;
        t.name ??= full;
        out.push([full, t]);
      }
      for (const [name, child] of m.children) walk(child, `${p}${name}.`);
    };
    walk(this, prefix);
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix.replace(/\.$/, ''), this]];
    for (const [name, child] of this.children) out.push(...child.namedModules(`${prefix}${name}.`));
    return out;
  }

  /** The parameter at a dotted path, or undefined. */
  getParameter(path: string): Tensor | undefined {
    return this.namedParameters().find(([n]) => n === path)?.[1];
  }

  getModule(path: string): Module | undefined {
    return this.namedModules().find(([n]) => n === path)?.[1];
  }

  numParameters(trainableOnly = false): number {
    let n = 0;
    for (const t of this.parameters()) if (!trainableOnly || t.requiresGrad) n += t.size;
    return n;
  }

  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Stops gradients to every parameter (PyTorch `requires_grad_(False)` on all of them). */
  freeze(): this {
    for (const t of this.parameters()) t.requiresGrad = false;
    return this;
  }

  unfreeze(): this {
    for (const t of this.parameters()) t.requiresGrad = true;
    return this;
  }

  /** Frees every parameter's gradient (PyTorch `zero_grad(set_to_none=True)`). */
  zeroGrad(): void {
    for (const t of this.parameters()) {
      t.grad?.dispose();
      t.grad = null;
    }
  }

  /** Frees every parameter (and gradient). The module is unusable afterwards. */
  dispose(): void {
    for (const t of this.parameters()) t.dispose();
  }
}

/** Children named 0, 1, 2, ... (`layers.0.…`). */
export class ModuleList<M extends Module> extends Module {
  readonly items: readonly M[];

  constructor(items: readonly M[]) {
    super();
    items.forEach((m, i) => {
      this.addModule(String(i), m);
    });
    this.items = items;
  }

  get length(): number {
    return this.items.length;
  }

  at(i: number): M {
    const m = this.items[i];
    if (!m) throw new RangeError(`ModuleList: index ${i} is outside [0, ${this.items.length})`);
    return m;
  }
}
