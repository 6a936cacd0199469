import { InvalidArgumentError } from 'commander';

/** A trimmed, bounded text option. */
export function parseText(max: number) {
  return (value: string): string => {
    const text = value.trim();
    if (text.length === 0 || text.length > max) throw new InvalidArgumentError(`give 1 to ${max} characters.`);
    return text;
  };
}

/** A JSON object option, e.g. a source's settings. */
export function parseJsonObject(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('give a JSON object, e.g. \'{"path":"/srv/hr/workers.csv"}\'.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidArgumentError('give a JSON object, not a list or a value.');
  return parsed as Record<string, unknown>;
}
