/**
 * The simulation's flags: parsed with `node:util` `parseArgs`, checked, and
 * turned into a {@link SimulationInit}. A bad flag is an `OptionError`
 * whose message names it; the CLI prints it with the usage and exits 2.
 */
import { parseArgs } from 'node:util'

/** What a misbehaving steward does. */
export type BadSteward = 'none' | 'silent' | 'flaky'

/** Everything a run depends on. */
export interface SimulationInit {
  /** Members in the group after the start (the creator included). */
  members: number
  /** Probability that one delivery is lost. */
  loss: number
  /** Virtual seconds simulated after the group has formed. */
  durationS: number
  /** Membership changes attempted per virtual minute (joins, leaves, removals). */
  churnPerMin: number
  /** The misbehaving steward: `silent` stops sending at `badStewardAtS`; `flaky` alternates 5 s silent, 5 s back. */
  badSteward: BadSteward
  /** When the epoch steward starts misbehaving (virtual seconds after the start of the run). */
  badStewardAtS: number
  /** Seed of the network and of the churn schedule. */
  seed: number
  /** Where the HTML report goes. */
  out: string
}

/** A flag is missing, malformed or out of range. */
export class OptionError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'OptionError'
  }
}

/** The usage text `--help` prints. */
export const USAGE = `Usage: pnpm start -- [options]   (in examples/simulation)

A de-MLS group on the in-memory network, in virtual time: real MLS and
signatures, simulated packets. Prints a timeline and the figures, and writes
a self-contained HTML report.

Options:
  --members N          members after the start, creator included (2-12)   [5]
  --loss P             probability a delivery is lost (0-0.5)              [0.05]
  --duration S         virtual seconds to simulate after forming (10-3600) [120]
  --churn C            membership changes per virtual minute (0-30)       [2]
  --bad-steward MODE   none | silent | flaky                               [none]
  --bad-steward-at S   when the epoch steward starts misbehaving (s)       [a third of --duration]
  --seed N             seed of the network and the churn schedule          [1]
  --out FILE           the HTML report                                     [simulation-report.html]
  --help               this text
`

function num(flag: string, raw: string | undefined, fallback: number, min: number, max: number, integer: boolean): number {
  if (raw === undefined) return fallback
  const v = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min || v > max) {
    throw new OptionError(`--${flag} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got '${raw}'`)
  }
  return v
}

/** Parse `argv` (without node and the script). `undefined` means `--help`. */
export function parseOptions(argv: string[]): SimulationInit | undefined {
  let values: Record<string, string | boolean | undefined>
  try {
    ;({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        members: { type: 'string' },
        loss: { type: 'string' },
        duration: { type: 'string' },
        churn: { type: 'string' },
        'bad-steward': { type: 'string' },
        'bad-steward-at': { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean' },
      },
    }))
  } catch (err) {
    throw new OptionError((err as Error).message)
  }
  if (values.help) return undefined
  const str = (k: string) => values[k] as string | undefined
  const durationS = num('duration', str('duration'), 120, 10, 3600, true)
  const badSteward = str('bad-steward') ?? 'none'
  if (badSteward !== 'none' && badSteward !== 'silent' && badSteward !== 'flaky') {
    throw new OptionError(`--bad-steward must be none, silent or flaky, got '${badSteward}'`)
  }
  return {
    members: num('members', str('members'), 5, 2, 12, true),
    loss: num('loss', str('loss'), 0.05, 0, 0.5, false),
    durationS,
    churnPerMin: num('churn', str('churn'), 2, 0, 30, false),
    badSteward,
    badStewardAtS: num('bad-steward-at', str('bad-steward-at'), Math.round(durationS / 3), 0, durationS, true),
    seed: num('seed', str('seed'), 1, 0, 2 ** 31, true),
    out: str('out') ?? 'simulation-report.html',
  }
}
