import { runIsolationPhase } from './isolation.scenario';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import {
  natsServerBinary,
  SERVICE_NODE_FLAGS,
  startNats,
  startNatsCluster,
  startOtlpReceiver,
} from '@hookstream/testing';
import { latencyPlan, parseOptions, USAGE, type BenchOptions } from './bench.options';
import { formatSummary, summarize } from './bench.summary';
import { measureHttpCeiling } from './ceiling.http';
import { jetStreamBoundPerSecond, measureJetStreamCeiling } from './ceiling.jetstream';
import { watchCpu } from './cpu.usage';
import { runDrain } from './drain.scenario';
import { runFixedRate } from './latency.scenario';
import { startPlatform, type Platform } from './platform.stack';
import { PROJECTION_BATCHES, runProjection } from './projection.scenario';
import { summarizeProfiles } from './profile.summary';
import { startReceiverProcess, type ReceiverProcess } from '@hookstream/testing';
import { formatReport, judge, type BenchResults, type MachineInfo } from './report.table';
import { repoRoot } from './service.process';
import { runSoak } from './soak.scenario';
import { createTenant, waitUntilRouted, type BenchTenant } from './tenant.setup';
import { priceTracing, TRACED_DRAIN, UNTRACED_DRAIN } from './tracing.price';

const quiet = (fn: () => string): string => {
  try {
    return fn().trim();
  } catch {
    return 'unknown';
  }
};

function machine(): MachineInfo {
  const root = repoRoot();
  return {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    natsServer: quiet(() => execFileSync(natsServerBinary(), ['--version']).toString()),
    commit: quiet(() =>
      execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'ignore'],
      }).toString(),
    ),
    serviceNodeFlags: SERVICE_NODE_FLAGS,
    phases: {},
  };
}

function dispatcherEnv(options: BenchOptions): Record<string, string> {
  const env: Record<string, string> = {};
  if (options.deliveryConcurrency) env.DELIVERY_CONCURRENCY = String(options.deliveryConcurrency);
  if (options.endpointConcurrency) env.DELIVERY_ENDPOINT_CONCURRENCY = String(options.endpointConcurrency);
  // A/B of the fan-out fast path: BENCH_FAST_PATH=false runs the dispatchers without it.
  if (process.env.BENCH_FAST_PATH) env.DELIVERY_FAST_PATH = process.env.BENCH_FAST_PATH;
  return env;
}

const log = (message: string): void =>
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

async function platformPhases(
  options: BenchOptions,
  results: BenchResults,
  platform: Platform,
  receiver: ReceiverProcess,
  beginPhase: (phase: string) => () => void,
): Promise<void> {
  await platform.startDispatchers(1, 'setup');
  const tenants = new Map<number, BenchTenant>();
  const fanouts = options.phases.includes('drain') ? options.fanouts : [1];
  for (const fanout of new Set([1, ...fanouts])) {
    const tenant = await createTenant(platform, receiver, fanout);
    await waitUntilRouted(platform, receiver, tenant);
    tenants.set(fanout, tenant);
  }
  const ceiling = results.ceilings.httpBestPerSecond;
  const drain = async (fanout: number, dispatchers: number, label: string): Promise<void> => {
    const end = beginPhase(label);
    log(`drain ${label}: ${options.events} events, fan-out ${fanout}, ${dispatchers} dispatcher(s)`);
    const result = await runDrain(platform, receiver, tenants.get(fanout)!, {
      events: options.events,
      dispatchers,
      label,
    });
    end();
    results.drains.push({
      ...result,
      ratioToCeiling: ceiling ? result.deliveriesPerSecond / ceiling : undefined,
      ratioToJetStreamBound: results.ceilings.jetstream
        ? result.deliveriesPerSecond / jetStreamBoundPerSecond(results.ceilings.jetstream, fanout)
        : undefined,
    });
    log(`  ${Math.round(result.deliveriesPerSecond)} deliveries/s, log +${Math.round(result.logLagMs)} ms`);
  };
  if (options.phases.includes('drain'))
    for (const fanout of options.fanouts) await drain(fanout, 1, `drain_f${fanout}`);
  if (options.tracing && options.phases.includes('drain'))
    await tracedDrain(options, results, platform, drain);
  if (options.phases.includes('scale')) await drain(1, 2, 'scale_f1_x2');

  const fanout1 = tenants.get(1)!;
  const steady = async (tag: string): Promise<void> => {
    await platform.stopDispatchers();
    await platform.startDispatchers(1, tag);
    await waitUntilRouted(platform, receiver, fanout1);
  };
  if (options.phases.includes('latency')) {
    await steady('latency');
    if (ceiling === undefined && options.ceilingFractions.length > 0)
      log('no ceiling (a) in this run: the phases at shares of it are skipped');
    for (const { label, rate, ceilingFraction } of latencyPlan(options, ceiling)) {
      const end = beginPhase(label);
      const share = ceilingFraction === undefined ? '' : ` (${ceilingFraction} x ceiling (a))`;
      log(
        `fixed rate ${rate}/s${share}: ${options.warmupSeconds} s warm-up, ${options.latencySeconds} s measured`,
      );
      const result = await runFixedRate(platform, receiver, fanout1, {
        label,
        rate,
        warmupSeconds: options.warmupSeconds,
        seconds: options.latencySeconds,
        ...(ceilingFraction === undefined ? {} : { ceilingFraction }),
      });
      end();
      results.latency.push(result);
      log(
        `  delivered ${Math.round(result.deliveredPerSecond ?? Number.NaN)}/s, settled in ${Math.round(result.settleMs ?? Number.NaN)} ms${result.keptUp ? '' : ' (did not keep up)'}; p99 2xx ${result.toDelivered.p99.toFixed(1)} ms, p99 log row ${result.toLogRow.p99.toFixed(1)} ms`,
      );
    }
  }
  if (options.phases.includes('soak')) {
    await steady('soak');
    const end = beginPhase('soak');
    log(`soak: ${options.soakMinutes} min at ${options.soakRate}/s`);
    results.soak = await runSoak(platform, receiver, fanout1, {
      rate: options.soakRate,
      minutes: options.soakMinutes,
    });
    end();
  }
  await platform.stopDispatchers();
}

/**
 * The F=1 drain with tracing off, then on: every service exports its spans (OTLP/HTTP JSON) to a
 * sink in this process, which only counts them. Both start with a freshly started log-projector
 * (tracing is set by restarting it) and, as every drain, fresh dispatchers. The span queue is
 * large enough that no span of the drain is dropped (spans per delivery in the table shows it).
 */
async function tracedDrain(
  options: BenchOptions,
  results: BenchResults,
  platform: Platform,
  drain: (fanout: number, dispatchers: number, label: string) => Promise<void>,
): Promise<void> {
  await platform.setTracing(undefined);
  await drain(1, 1, UNTRACED_DRAIN);
  const sink = await startOtlpReceiver({ keepSpans: false });
  try {
    await platform.setTracing({
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      OTEL_BSP_MAX_QUEUE_SIZE: String(Math.max(2_048, 4 * options.events)),
    });
    await drain(1, 1, TRACED_DRAIN);
    await platform.stopDispatchers();
    await platform.setTracing(undefined); // the projector's last spans are flushed as it stops
  } finally {
    await sink.close();
  }
  const off = results.drains.find((d) => d.label === UNTRACED_DRAIN);
  const on = results.drains.find((d) => d.label === TRACED_DRAIN);
  if (off && on)
    results.tracing = priceTracing(off, on, { exports: sink.exports(), spans: sink.spanCount() });
  log(`  tracing: ${sink.spanCount()} spans in ${sink.exports()} exports`);
}

/**
 * The drains again on an N-node cluster with every stream at N replicas, after the single-node
 * platform is gone (the machine's cores are shared by all of it): each stored message is now
 * replicated, and fsynced, on a quorum before it is acknowledged.
 */
async function clusterDrains(
  options: BenchOptions,
  results: BenchResults,
  receiver: ReceiverProcess,
  beginPhase: (phase: string) => () => void,
): Promise<NonNullable<BenchResults['cluster']>> {
  const nodes = options.cluster!;
  log(`starting a ${nodes}-node cluster (streams at ${nodes} replicas), Postgres and the services`);
  const cluster = await startNatsCluster({ nodes });
  const phases = options.phases.filter((p) => p === 'drain' || p === 'scale');
  const own: BenchResults = {
    ...results,
    drains: [],
    latency: [],
    ceilings: { ...results.ceilings, jetstream: undefined },
  };
  let platform: Platform | undefined;
  try {
    platform = await startPlatform(cluster, {
      dispatcherEnv: dispatcherEnv(options),
      replicas: nodes,
      natsNodes: cluster.nodes,
    });
    await platformPhases({ ...options, phases, tracing: false }, own, platform, receiver, (phase) =>
      beginPhase(`cluster${nodes}_${phase}`),
    );
  } finally {
    await platform?.dispose().catch((error: unknown) => console.error('cluster platform shutdown:', error));
    await cluster.dispose();
  }
  return { nodes, replicas: nodes, syncAlways: cluster.syncAlways, drains: own.drains };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return;
  }
  let options: BenchOptions;
  try {
    options = parseOptions(argv);
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const command = `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`;
  log(`command: ${command}`);
  const startedAt = new Date();
  const stamp = startedAt.toISOString().slice(0, 16).replace(/:/g, '');
  const resultsDir = join(repoRoot(), 'bench', 'results');
  const profileDir = options.profile ? join(resultsDir, `profiles-${stamp}`) : undefined;
  const results: BenchResults = {
    startedAt: startedAt.toISOString(),
    command,
    options,
    machine: machine(),
    ceilings: { http: [] },
    projection: [],
    drains: [],
    latency: [],
    targets: [],
  };
  const beginPhase = (phase: string): (() => void) => {
    const loadAverage1m = Math.round(loadavg()[0]! * 100) / 100;
    const cpu = watchCpu();
    return () => {
      results.machine.phases[phase] = { loadAverage1m, ...cpu() };
    };
  };

  const receiver = await startReceiverProcess();
  const nats = await startNats();
  let platform: Platform | undefined;
  try {
    if (options.phases.includes('ceilings')) {
      const end = beginPhase('ceilings');
      for (const inFlight of options.ceilingInFlight) {
        log(`ceiling (a): signed POSTs, ${inFlight} in flight`);
        results.ceilings.http.push(
          await measureHttpCeiling(receiver, {
            inFlight,
            warmupMs: 1_000,
            measureMs: options.ceilingSeconds * 1000,
          }),
        );
      }
      results.ceilings.httpBestPerSecond = Math.max(...results.ceilings.http.map((c) => c.perSecond));
      log('ceiling (b): JetStream publish and consume');
      results.ceilings.jetstream = await measureJetStreamCeiling(nats.url, {
        messages: options.jetstreamMessages,
        window: 512,
      });
      end();
    }
    if (options.phases.includes('projection')) {
      for (const batchSize of PROJECTION_BATCHES) {
        const end = beginPhase(`projection_b${batchSize}`);
        log(`projection: ${options.events} deliveries in batches of ${batchSize}`);
        results.projection.push(await runProjection(options.events, batchSize));
        end();
      }
    }
    if (options.phases.includes('isolation')) {
      const end = beginPhase('isolation');
      results.isolation = await runIsolationPhase(options.isolationBacklog, log);
      end();
    }
    if (options.phases.some((p) => p !== 'ceilings' && p !== 'projection' && p !== 'isolation')) {
      log('starting Postgres and the services');
      platform = await startPlatform(nats, {
        dispatcherEnv: dispatcherEnv(options),
        profileDir,
        natsNodes: [nats],
      });
      await platformPhases(options, results, platform, receiver, beginPhase);
    }
    if (options.cluster) {
      await platform?.dispose();
      platform = undefined;
      await nats.dispose();
      results.cluster = await clusterDrains(options, results, receiver, beginPhase);
    }
  } finally {
    await platform?.dispose().catch((error: unknown) => console.error('platform shutdown:', error));
    await nats.dispose();
    await receiver.close();
  }
  if (profileDir && existsSync(profileDir)) {
    results.profiles = {};
    for (const phase of ['drain_f1', 'drain_f4', 'scale_f1_x2', 'latency', 'soak'])
      if (existsSync(join(profileDir, phase)))
        results.profiles[phase] = summarizeProfiles(join(profileDir, phase));
  }
  results.finishedAt = new Date().toISOString();
  results.summary = summarize(results);
  results.targets = judge(results);
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${stamp}${options.quick ? '-quick' : ''}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\n${formatReport(results)}\n\n${formatSummary(results.summary)}\n\nresults: ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
