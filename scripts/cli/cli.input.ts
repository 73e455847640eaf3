import { readFileSync } from 'node:fs';
import { parseDuration } from '@hookstream/webhooks';
import { usageError } from './cli.errors';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The text of a file, or of stdin for `-`. */
export async function readText(source: string): Promise<string> {
  if (source === '-') return readStdin();
  try {
    return readFileSync(source, 'utf8');
  } catch (error) {
    throw usageError(`cannot read ${source}: ${(error as Error).message}`);
  }
}

export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw usageError(`${what} is not valid JSON: ${(error as Error).message}`);
  }
}

export async function readJson(source: string): Promise<unknown> {
  return parseJson(await readText(source), source === '-' ? 'stdin' : source);
}

export async function readJsonObject(source: string): Promise<Record<string, unknown>> {
  const value = await readJson(source);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw usageError(`${source === '-' ? 'stdin' : source} must hold a JSON object`);
  return value as Record<string, unknown>;
}

/** commander collector for repeatable options. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `a,b` and repeated flags alike, without empty entries. */
export const splitList = (values: readonly string[] | undefined): string[] =>
  (values ?? [])
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value !== '');

export function parseInteger(text: string, name: string): number {
  if (!/^\d+$/.test(text)) throw usageError(`${name} must be a whole number (got "${text}")`);
  return Number(text);
}

/** `name=value` pairs of repeated --header flags. */
export function parseHeaders(values: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const value of values) {
    const at = value.indexOf('=');
    if (at <= 0) throw usageError(`--header takes name=value (got "${value}")`);
    headers[value.slice(0, at).trim()] = value.slice(at + 1);
  }
  return headers;
}

/** An ISO 8601 time, or a duration meaning "that long ago" (`2h`, `30m`, `7d`). */
export function parseMoment(text: string, name: string, now = Date.now()): string {
  if (/^\d+(ms|s|m|h|d)$/.test(text.trim())) return new Date(now - parseDuration(text)).toISOString();
  const ms = Date.parse(text);
  if (Number.isNaN(ms))
    throw usageError(`${name} must be an ISO 8601 time or a duration such as 2h (got "${text}")`);
  return new Date(ms).toISOString();
}

export function parseBoolean(text: string, name: string): boolean {
  if (['true', 'yes', '1', 'on'].includes(text.toLowerCase())) return true;
  if (['false', 'no', '0', 'off'].includes(text.toLowerCase())) return false;
  throw usageError(`${name} must be true or false (got "${text}")`);
}
