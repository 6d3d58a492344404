/**
 * A small getopt_long(3), because keepalived's command line is glibc getopt:
 * clustered short options (-lnD), attached or separate required arguments
 * (-fFILE, -f FILE, --use-file=FILE, --use-file FILE), optional arguments only
 * when attached (-tLOG, --config-test=LOG), unambiguous long-option prefixes
 * (--use = --use-file), "--" ending the options, and operands collected apart.
 */

export type ArgKind = 'none' | 'required' | 'optional';

export interface OptionSpec {
  readonly key: string;
  readonly short?: string;
  readonly long?: string;
  readonly arg: ArgKind;
}

export interface ParsedOption {
  readonly key: string;
  readonly value?: string;
  /** How the user spelled it, for messages: "-f" or "--use-file". */
  readonly spelled: string;
}

export interface GetoptResult {
  readonly options: ParsedOption[];
  readonly operands: string[];
  /** Messages in keepalived's words ("Unknown option -z", "Missing parameter for option -f"). */
  readonly errors: string[];
}

export function getopt(argv: readonly string[], specs: readonly OptionSpec[]): GetoptResult {
  const options: ParsedOption[] = [];
  const operands: string[] = [];
  const errors: string[] = [];
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const attached = eq < 0 ? undefined : arg.slice(eq + 1);
      const spec = findLong(specs, name);
      if (spec === 'ambiguous') {
        errors.push(`Ambiguous option ${arg}`);
        continue;
      }
      if (!spec) {
        errors.push(`Unknown option ${arg}`);
        continue;
      }
      const spelled = `--${spec.long}`;
      if (spec.arg === 'none') {
        if (attached !== undefined) errors.push(`Option ${spelled} doesn't allow an argument`);
        else options.push({ key: spec.key, spelled });
      } else if (spec.arg === 'optional') {
        options.push(attached === undefined ? { key: spec.key, spelled } : { key: spec.key, value: attached, spelled });
      } else {
        const value = attached ?? argv[++i];
        // keepalived treats "--use-file=" (empty) as missing, too.
        if (value === undefined || value === '') errors.push(`Missing parameter for option ${spelled}`);
        else options.push({ key: spec.key, value, spelled });
      }
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const c = arg[j]!;
        const spec = byShort.get(c);
        if (!spec) {
          errors.push(`Unknown option -${c}`);
          continue;
        }
        const spelled = `-${c}`;
        const rest = arg.slice(j + 1);
        if (spec.arg === 'none') {
          options.push({ key: spec.key, spelled });
          continue;
        }
        if (spec.arg === 'optional') {
          options.push(rest ? { key: spec.key, value: rest, spelled } : { key: spec.key, spelled });
        } else {
          const value = rest || argv[++i];
          if (value === undefined) errors.push(`Missing parameter for option -${c}`);
          else options.push({ key: spec.key, value, spelled });
        }
        break; // the rest of the cluster was this option's argument
      }
      continue;
    }
    operands.push(arg);
  }
  return { options, operands, errors };
}

function findLong(specs: readonly OptionSpec[], name: string): OptionSpec | 'ambiguous' | undefined {
  const exact = specs.find((s) => s.long === name);
  if (exact) return exact;
  const prefixed = specs.filter((s) => s.long?.startsWith(name));
  if (name === '' || prefixed.length === 0) return undefined;
  return prefixed.length === 1 ? prefixed[0] : 'ambiguous';
}
