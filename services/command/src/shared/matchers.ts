import type { LabelMatcher } from '@nagare/contracts';
import { DomainError } from './decider';

const regexCache = new Map<string, RegExp>();

/** Prometheus semantics: RE/NRE are anchored; a missing label matches as the empty string. */
export function compileMatcherRegex(value: string): RegExp {
  let re = regexCache.get(value);
  if (!re) {
    try {
      re = new RegExp(`^(?:${value})$`);
    } catch (err) {
      throw new DomainError(
        'INVALID_MATCHER',
        `invalid regular expression ${JSON.stringify(value)}: ${(err as Error).message}`,
      );
    }
    if (regexCache.size > 10_000) regexCache.clear();
    regexCache.set(value, re);
  }
  return re;
}

export function matches(matcher: LabelMatcher, labels: Readonly<Record<string, string>>): boolean {
  const actual = labels[matcher.label] ?? '';
  switch (matcher.op) {
    case 'EQ':
      return actual === matcher.value;
    case 'NEQ':
      return actual !== matcher.value;
    case 'RE':
      return compileMatcherRegex(matcher.value).test(actual);
    case 'NRE':
      return !compileMatcherRegex(matcher.value).test(actual);
  }
}

export const matchesAll = (
  matchers: readonly LabelMatcher[],
  labels: Readonly<Record<string, string>>,
): boolean => matchers.every((m) => matches(m, labels));

/** Checks matchers up front so a bad regex is refused when defined, not when evaluated. */
export function validateMatchers(matchers: readonly LabelMatcher[]): void {
  for (const m of matchers) {
    if (!m.label) throw new DomainError('INVALID_MATCHER', 'matcher label must not be empty');
    if (m.op === 'RE' || m.op === 'NRE') compileMatcherRegex(m.value);
  }
}

/** Equality selector on host labels. */
export const selectorMatches = (
  selector: Readonly<Record<string, string>>,
  labels: Readonly<Record<string, string>>,
): boolean => Object.entries(selector).every(([k, v]) => labels[k] === v);

export const sameLabels = (
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): boolean => {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
};
