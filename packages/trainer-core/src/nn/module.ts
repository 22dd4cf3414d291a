/**
 * Module base in the PyTorch style: parameters, buffers and child modules are registered under
 * names, so `namedParameters()` / `stateDict()` yield exactly the checkpoint keys
 * (`model.layers.0.self_attn.q_proj.weight`).
 *
 * Every registered name is also an accessor property on the module: `this.q_proj` reads the
 * registry, and assigning to it (or `setModule`) replaces the entry. So the field a forward pass
 * uses is always the registered child: wrapping `q_proj` with a LoRA adapter changes what runs,
 * exactly as `module.q_proj = lora` does in PyTorch. Parameters and buffers are owned by their
 * module (never disposed by `tidy`) and freed by `dispose()`.
 */
import type { Backend } from '../backend/backend.js';
import { empty } from '../ops/create.js';
import { toBackend } from '../ops/transfer.js';
import { keep } from '../tensor/scope.js';
import { Tensor } from '../tensor/tensor.js';

export interface BufferOptions {
  /** Saved and loaded with the parameters (default true); false for derived tables (RoPE cos/sin). */
  persistent?: boolean;
  /**
   * The buffer's checkpoint key below this module when it differs from its name; it may contain
   * dots (bitsandbytes saves `weight.absmax` next to `weight`, which a registered name cannot).
   */
  stateKey?: string;
}

interface BufferEntry {
  tensor: Tensor;
  persistent: boolean;
  stateKey?: string;
}

export class Module {
  training = true;
  private readonly params = new Map<string, Tensor>();
  private readonly buffers = new Map<string, BufferEntry>();
  private readonly children = new Map<string, Module>();

  private claim(name: string): void {
    if (this.params.has(name) || this.buffers.has(name) || this.children.has(name)) {
      throw new Error(`Module: ${name} is already registered`);
    }
    if (name.includes('.')) throw new Error(`Module: a registered name cannot contain ".", got ${name}`);
  }

  /** Makes `this[name]` read (and replace) the registry entry. */
  private defineAccessor(name: string, get: () => unknown, set: (value: never) => void): void {
    Object.defineProperty(this, name, { get, set, enumerable: true, configurable: true });
  }

  /** Registers a trainable parameter (requiresGrad on, exempt from scopes). */
  protected addParameter(name: string, t: Tensor): Tensor {
    this.claim(name);
    this.params.set(name, this.adopt(t, true));
    this.defineAccessor(
      name,
      () => this.params.get(name),
      (v: Tensor) => this.setParameter(name, v),
    );
    return t;
  }

  /** Registers a non-trainable tensor of any dtype (packed weights, masks, tables). */
  protected addBuffer(name: string, t: Tensor, options: BufferOptions = {}): Tensor {
    this.claim(name);
    this.buffers.set(name, {
      tensor: this.adopt(t, false),
      persistent: options.persistent ?? true,
      stateKey: options.stateKey,
    });
    this.defineAccessor(
      name,
      () => this.buffers.get(name)?.tensor,
      (v: Tensor) => this.setBuffer(name, v),
    );
    return t;
  }

  protected addModule<M extends Module>(name: string, m: M): M {
    this.claim(name);
    this.children.set(name, m);
    this.defineAccessor(
      name,
      () => this.children.get(name),
      (v: Module) => this.setModule(name, v),
    );
    return m;
  }

  private adopt(t: Tensor, trainable: boolean): Tensor {
    keep(t);
    if (trainable) t.requiresGrad = true;
    return t;
  }

  /** Replaces a registered child (e.g. wrapping a Linear with a LoRA adapter); forward runs the new one. */
  setModule(name: string, m: Module): void {
    if (!this.children.has(name)) throw new Error(`Module.setModule: no child named ${name}`);
    if (!(m instanceof Module)) throw new TypeError(`Module.setModule: ${name} must be a Module`);
    this.children.set(name, m);
  }

  /** Replaces a parameter's tensor (the module takes it over; the old one is the caller's to free). */
  setParameter(name: string, t: Tensor): void {
    const old = this.params.get(name);
    if (!old) throw new Error(`Module.setParameter: no parameter named ${name}`);
    if (t === old) return;
    if (!(t instanceof Tensor)) throw new TypeError(`Module.setParameter: ${name} must be a Tensor`);
    this.params.set(name, this.adopt(t, old.requiresGrad));
  }

  setBuffer(name: string, t: Tensor): void {
    const old = this.buffers.get(name);
    if (!old) throw new Error(`Module.setBuffer: no buffer named ${name}`);
    if (!(t instanceof Tensor)) throw new TypeError(`Module.setBuffer: ${name} must be a Tensor`);
    this.buffers.set(name, { ...old, tensor: this.adopt(t, false) });
  }

  /** Visits every module once, depth first, with its dotted prefix ('' for this one). */
  private walk(visit: (m: Module, prefix: string) => void, prefix = '', seen = new Set<Module>()): void {
    if (seen.has(this)) return;
    seen.add(this);
    visit(this, prefix);
    for (const [name, child] of this.children) child.walk(visit, `${prefix}${name}.`, seen);
  }

  /** [dotted name, parameter] pairs, each parameter once (first name wins, as PyTorch). */
  namedParameters(prefix = ''): [string, Tensor][] {
    const seen = new Set<Tensor>();
    const out: [string, Tensor][] = [];
    this.walk((m, p) => {
      for (const [name, t] of m.params) {
        if (seen.has(t)) continue;
        seen.add(t);
        const full = p + name;
        t.name ??= full;
        out.push([full, t]);
      }
    }, prefix);
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  /** [checkpoint key, buffer] pairs; `persistentOnly` keeps those saved in checkpoints. */
  namedBuffers(prefix = '', persistentOnly = false): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    this.walk((m, p) => {
      for (const [name, b] of m.buffers) {
        if (!persistentOnly || b.persistent) out.push([p + (b.stateKey ?? name), b.tensor]);
      }
    }, prefix);
    return out;
  }

  /** What a checkpoint holds: every parameter and persistent buffer by its key, in registration order. */
  stateDict(): Map<string, Tensor> {
    return new Map([...this.namedParameters(), ...this.namedBuffers('', true)]);
  }

  /** This module's direct children by their registered names. */
  namedChildren(): [string, Module][] {
    return [...this.children];
  }

  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [];
    this.walk((m, p) => out.push([p.replace(/\.$/, ''), m]), prefix);
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
    this.walk((m) => {
      m.training = mode;
    });
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

  /**
   * Moves every parameter and buffer to `backend` (one tensor at a time through the host), keeping
   * names, trainability and ties. Create optimizers after moving, as in PyTorch.
   */
  async to(backend: Backend): Promise<this> {
    const moved = new Map<Tensor, Tensor>();
    const move = async (t: Tensor): Promise<Tensor> => {
      let m = moved.get(t);
      if (!m) {
        m = t.backend === backend ? t : await toBackend(t, backend);
        if (m !== t) {
          m.name = t.name;
          if (t.requiresGrad) m.requiresGrad = true;
        }
        moved.set(t, m);
      }
      return m;
    };
    const modules: Module[] = [];
    this.walk((m) => modules.push(m));
    for (const m of modules) {
      for (const [name, t] of m.params) m.params.set(name, keep(await move(t)));
      for (const [name, b] of m.buffers) m.buffers.set(name, { ...b, tensor: keep(await move(b.tensor)) });
    }
    for (const [old, m] of moved) if (m !== old) old.dispose();
    return this;
  }

  /**
   * Gives every parameter and buffer that lives on `from` (the meta backend: shapes, no memory) a
   * fresh, uninitialised allocation on `to`, keeping names, trainability and ties; loading fills
   * them afterwards. Modules built on the meta backend cost nothing until this runs, so a loader
   * can swap some of them (quantized layers) first.
   */
  allocateOn(to: Backend, from: Backend): this {
    const made = new Map<Tensor, Tensor>();
    const fresh = (t: Tensor): Tensor => {
      if (t.backend !== from) return t;
      let m = made.get(t);
      if (!m) {
        m = empty(t.shape, t.dtype, { backend: to });
        m.name = t.name;
        if (t.requiresGrad) m.requiresGrad = true;
        made.set(t, m);
      }
      return m;
    };
    this.walk((m) => {
      for (const [name, t] of m.params) m.params.set(name, keep(fresh(t)));
      for (const [name, b] of m.buffers) m.buffers.set(name, { ...b, tensor: keep(fresh(b.tensor)) });
    });
    for (const old of made.keys()) old.dispose();
    return this;
  }

  /** Frees every parameter and buffer (and gradient). The module is unusable afterwards. */
  dispose(): void {
    for (const t of this.parameters()) t.dispose();
    for (const [, t] of this.namedBuffers()) t.dispose();
  }
}

/** Children named 0, 1, 2, ... (`layers.0.…`). */
export class ModuleList<M extends Module> extends Module {
  private readonly count: number;

  constructor(items: readonly M[]) {
    super();
    items.forEach((m, i) => {
      this.addModule(String(i), m);
    });
    this.count = items.length;
  }

  get length(): number {
    return this.count;
  }

  /** The current children, in order (a replaced child included). */
  get items(): M[] {
    return Array.from({ length: this.count }, (_, i) => this.at(i));
  }

  at(i: number): M {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) {
      throw new RangeError(`ModuleList: index ${i} is outside [0, ${this.count})`);
    }
    return (this as unknown as Record<string, M>)[String(i)]!;
  }
}
