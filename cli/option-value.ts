import { InvalidArgumentError } from 'commander';
import { InputError } from '../shared/errors';

// Commander gives an option that takes a value the next argument whatever it is, so a forgotten
// value took the next option as the value: `audit --snapshot --format json` read the file
// "--format" and then complained of "too many arguments: json", and `audit --vpc --region
// eu-west-1` said "--vpc needs --snapshot FILE or --region R" to someone who gave --region. An
// empty value (`--region "$REGION"` with REGION unset) was read as the option not given:
// `--snapshot F --region ""` audited the file as if --region were absent. Both are usage errors
// naming the option (commander prefixes "option '--snapshot <file>' argument … is invalid.").

/** A value that is an option's name (`--format`, `-h`); `-` alone (standard input) is a value. */
const OPTION_LIKE = /^(?:--[A-Za-z]|-[A-Za-z]$)/;

/** Parses an option's value: refuses an empty one and one that is the next option's name. */
export function optionValue(value: string): string {
  if (value === '') throw new InvalidArgumentError('The value is empty.');
  if (OPTION_LIKE.test(value)) {
    throw new InvalidArgumentError(`The value is missing (${value} is the next option).`);
  }
  return value;
}

/** The same for a repeatable option (`--vpc ID ...`, `--event FILE` repeated): the values in order. */
export function optionValues(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), optionValue(value)];
}

/** The items of a comma-separated list (`a, b,,c`: a, b, c), in order. */
export function commaList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/**
 * `--vpc`: ids given apart (`--vpc a b`, `--vpc a --vpc b`) or comma-separated (`--vpc a,b`, as
 * `--accounts` and `--regions` take them; an id has no comma), in order.
 */
export function idValues(value: string, previous: string[] | undefined): string[] {
  const ids = commaList(optionValue(value));
  if (ids.length === 0) throw new InvalidArgumentError('The value holds no id.');
  return [...(previous ?? []), ...ids];
}

/**
 * Standard input can be read once: a second option naming `-` would read nothing (or, read first,
 * take the other's text: `--snapshot - --config -` judged the snapshot as a configuration and
 * reported its keys as unknown). A usage error naming the options.
 */
export function refuseStdinTwice(
  files: readonly (readonly [option: string, value: string | undefined])[],
): void {
  const stdin = files.filter(([, value]) => value === '-').map(([option]) => option);
  if (stdin.length > 1) {
    throw new InputError('invalid options', [
      `${stdin.join(' and ')}: standard input (-) can be read only once; give a file for all but one`,
    ]);
  }
}

/**
 * Parses an option with a fixed set of values (`--format`, `--fail-on`, `--mode`) in any case:
 * `--fail-on HIGH` (Security Hub writes severities in capitals) and `--format JSON` mean the one
 * value they can mean, as EC2 reads `TCP` as `tcp`. Anything else (a stray space, a misspelling)
 * is a usage error naming the accepted values. Commander's own `choices` compares exactly; it is
 * still set, for `--help`.
 */
export function choiceOf<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    const lower = value.toLowerCase();
    const hit = choices.find((choice) => choice === lower);
    if (hit === undefined) {
      throw new InvalidArgumentError(`Allowed choices are ${choices.join(', ')} (in any case).`);
    }
    return hit;
  };
}
