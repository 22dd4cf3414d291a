/**
 * Training flags generated from the config schema, so the CLI and the config files cannot drift:
 * every key is a flag in kebab case (`--max-steps 4`), its Hugging Face snake-case spelling is
 * accepted too (`--max_steps 4`, hidden from help), values are parsed by the key's type, and
 * flags override the config file, which overrides the defaults.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { z } from 'zod';

type Kind = 'number' | 'boolean' | 'string' | 'list';

/** The scalar kind behind a key's schema (defaults, nullables and unions unwrapped). */
function kindOf(schema: z.ZodType): Kind {
  let s: z.ZodType = schema;
  for (;;) {
    if (s instanceof z.ZodDefault || s instanceof z.ZodNullable || s instanceof z.ZodOptional) {
      s = s.unwrap() as z.ZodType;
      continue;
    }
    break;
  }
  if (s instanceof z.ZodNumber) return 'number';
  if (s instanceof z.ZodBoolean) return 'boolean';
  if (s instanceof z.ZodArray) return 'list';
  if (s instanceof z.ZodUnion && s.options.some((o) => o instanceof z.ZodArray)) return 'list';
  return 'string';
}

const kebab = (key: string) => key.replace(/_/g, '-');

function parseValue(kind: Kind, flag: string): (raw: string) => unknown {
  return (raw) => {
    // `null` switches off a nullable key (the schema refuses it for any other).
    if (raw === 'null') return null;
    if (kind === 'number') {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number for ${flag}.`);
      return n;
    }
    if (kind === 'boolean') {
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      throw new InvalidArgumentError(`expected true or false for ${flag}.`);
    }
    if (kind === 'list') return raw.includes(',') || raw !== 'all-linear' ? raw.split(',').map((s) => s.trim()) : raw;
    return raw;
  };
}

/** Adds `--<key>` (and the hidden `--<snake_key>`) for every key of `schema`, except `skip`. */
export function addConfigFlags(command: Command, schema: z.ZodObject, skip: readonly string[] = []): Command {
  for (const [key, field] of Object.entries(schema.shape)) {
    if (skip.includes(key)) continue;
    const kind = kindOf(field as z.ZodType);
    const flag = `--${kebab(key)}`;
    const description = `config key ${key}${kind === 'list' ? ' (comma-separated)' : ''}`;
    const spellings = kebab(key) === key ? [flag] : [flag, `--${key}`];
    spellings.forEach((spelling, i) => {
      const option =
        kind === 'boolean'
          ? new Option(`${spelling} [bool]`, description).argParser(parseValue(kind, spelling))
          : new Option(`${spelling} <value>`, description).argParser(parseValue(kind, spelling));
      option.attributeName = () => `config:${key}`;
      if (i > 0) option.hideHelp();
      command.addOption(option);
    });
  }
  return command;
}

/** The config keys the user set with flags (a bare boolean flag means true). */
export function configFromFlags(options: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(options)) {
    if (!name.startsWith('config:')) continue;
    out[name.slice('config:'.length)] = value === undefined ? true : value;
  }
  return out;
}
