import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    hitCount?: number;
  }>;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileEntry {
  name: string;
  where: string;
  selfMs: number;
  /** Share of the busy (non-idle) time. */
  percent: number;
}

export interface ProfileSummary {
  files: string[];
  busyMs: number;
  idleMs: number;
  topFunctions: ProfileEntry[];
  /** Self time grouped by package, app file or runtime part. */
  byArea: Array<{ area: string; selfMs: number; percent: number }>;
}

/** Where a frame's code lives, short: a package, a file of ours, or a part of the runtime. */
export function areaOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const ours = /\/dist\/((?:apps|libs)\/[^/]+\/src\/.+?)\.js$/.exec(url);
  if (ours) return ours[1]!;
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  return url;
}

/** Self time per function across every .cpuprofile in `dir`. */
export function summarizeProfiles(dir: string, top = 25): ProfileSummary {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const byFunction = new Map<string, { name: string; where: string; area: string; selfUs: number }>();
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    for (let i = 0; i < samples.length; i++) {
      const node = nodes.get(samples[i]!);
      if (!node) continue;
      const { functionName, url, lineNumber } = node.callFrame;
      const name = functionName || '(anonymous)';
      const where = url ? `${url.replace(/^.*\/(dist|node_modules)\//, '$1/')}:${lineNumber + 1}` : '';
      const id = `${name}@${where}`;
      const entry = byFunction.get(id) ?? { name, where, area: areaOf(url, name), selfUs: 0 };
      entry.selfUs += Math.max(0, deltas[i] ?? 0);
      byFunction.set(id, entry);
    }
  }
  const entries = [...byFunction.values()];
  const idleUs = entries.filter((e) => e.name === '(idle)').reduce((sum, e) => sum + e.selfUs, 0);
  const busy = entries.filter((e) => e.name !== '(idle)');
  const busyUs = busy.reduce((sum, e) => sum + e.selfUs, 0);
  const pct = (us: number): number => Math.round((us / busyUs) * 1000) / 10;
  const areas = new Map<string, number>();
  for (const e of busy) areas.set(e.area, (areas.get(e.area) ?? 0) + e.selfUs);
  return {
    files,
    busyMs: Math.round(busyUs / 1000),
    idleMs: Math.round(idleUs / 1000),
    topFunctions: busy
      .sort((a, b) => b.selfUs - a.selfUs)
      .slice(0, top)
      .map((e) => ({
        name: e.name,
        where: e.where,
        selfMs: Math.round(e.selfUs / 1000),
        percent: pct(e.selfUs),
      })),
    byArea: [...areas.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([area, us]) => ({ area, selfMs: Math.round(us / 1000), percent: pct(us) })),
  };
}
