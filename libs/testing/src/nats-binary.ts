import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './repo-root';

/** What scripts/setup.sh fetches: Debian 13's nats-server, the version the suite is meant to run. */
export const FETCHED_NATS_SERVER = join(REPO_ROOT, '.data', 'bin', 'nats-server');

/**
 * NATS_SERVER_BIN, when set, wins: it is how the suite is run against another version (such as
 * Debian 12's 2.9.10). Then the fetched binary, then the system's.
 */
export function natsServerBinary(): string {
  const chosen = process.env.NATS_SERVER_BIN;
  if (chosen) {
    if (!existsSync(chosen)) throw new Error(`NATS_SERVER_BIN=${chosen} does not exist`);
    return chosen;
  }
  const candidates = [
    FETCHED_NATS_SERVER,
    '/usr/sbin/nats-server',
    '/usr/bin/nats-server',
    '/usr/local/bin/nats-server',
  ];
  for (const candidate of candidates) if (existsSync(candidate)) return candidate;
  throw new Error(
    'nats-server not found: run scripts/setup.sh (or apt-get install nats-server) or set NATS_SERVER_BIN',
  );
}

export interface NatsServerVersion {
  major: number;
  minor: number;
  patch: number;
  text: string;
}

const versions = new Map<string, NatsServerVersion>();

/** Asked once per binary: every server the harness starts needs it to write its configuration. */
export function natsServerVersion(binary: string): NatsServerVersion {
  const known = versions.get(binary);
  if (known) return known;
  const text = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  const match = /v?(\d+)\.(\d+)\.(\d+)/.exec(text);
  if (!match) throw new Error(`cannot read the version of ${binary}: "${text}"`);
  const version = { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]), text };
  versions.set(binary, version);
  return version;
}

/** `sync_interval` came with 2.10; 2.9 refuses the configuration file that names it. */
export function supportsSyncInterval(version: NatsServerVersion): boolean {
  return version.major > 2 || (version.major === 2 && version.minor >= 10);
}
