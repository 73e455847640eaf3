export const PHASES = ['ceilings', 'projection', 'drain', 'latency', 'scale', 'soak', 'isolation'] as const;
export type Phase = (typeof PHASES)[number];

export interface BenchOptions {
  phases: Phase[];
  /** Events per drain. */
  events: number;
  fanouts: number[];
  /** Offered rates of the fixed-rate phase, events per second. */
  rates: number[];
  /** Further fixed-rate phases at these shares of the same run's ceiling (a) (skipped without it). */
  ceilingFractions: number[];
  warmupSeconds: number;
  latencySeconds: number;
  /** Requests outstanding in the raw HTTP ceiling; the best of them is ceiling (a). */
  ceilingInFlight: number[];
  ceilingSeconds: number;
  jetstreamMessages: number;
  /** DELIVERY_CONCURRENCY of the dispatchers; the service's default unless given. */
  deliveryConcurrency?: number;
  /** DELIVERY_ENDPOINT_CONCURRENCY (every subscription of the bench targets one origin); the service's default unless given. */
  endpointConcurrency?: number;
  /** Events of organization A's backlog in the isolation phase (the flood case takes at least 10,000). */
  isolationBacklog: number;
  soakMinutes: number;
  soakRate: number;
  /** Nodes of a cluster (streams with as many replicas) on which the drains run again, beside the single node. */
  cluster?: number;
  /** Dispatchers run with --cpu-prof. */
  profile: boolean;
  /** The F=1 drain again with tracing on (OTLP to an in-process sink), priced against it off. */
  tracing: boolean;
  quick: boolean;
}

export const USAGE = `usage: npm run bench -- [options]
  --events N                 events per drain (default 30000)
  --quick                    small smoke run (2000 events, short phases)
  --soak                     add a 10-minute run at 1000 events/s sampling each service's RSS
  --soak-minutes M           soak length (default 10)
  --isolation                add the fair-delivery table: a hanging / 2 s / 500 endpoint with a backlog,
                             and a flood to a 200 ms endpoint, beside another organization at 20/s
  --isolation-backlog N      organization A's backlog there (default 50000)
  --phases a,b               subset of ${PHASES.join(',')} (default all but soak and isolation)
  --rates r1,r2              offered rates of the latency phase (default 1000,1500)
  --ceiling-fractions f1,f2  then rates at these shares of this run's ceiling (a) (default 0.05,0.1;
                             needs the ceilings phase)
  --fanouts f1,f2            subscriptions per event in the drains (default 1,4)
  --latency-seconds S        measured seconds per rate (default 20)
  --delivery-concurrency N   dispatcher DELIVERY_CONCURRENCY (default: the service's)
  --endpoint-concurrency N   dispatcher DELIVERY_ENDPOINT_CONCURRENCY (default: the service's)
  --profile                  run the dispatchers with --cpu-prof and summarize the profiles
  --tracing                  run the F=1 drain again with OpenTelemetry tracing on (OTLP/HTTP to an
                             in-process sink) and report the CPU per delivery off and on
  --cluster N                run the drains again on an N-node JetStream cluster, streams at N replicas,
                             and report them beside the single-node ones`;

const numbers = (value: string, name: string): number[] =>
  value.split(',').map((part) => {
    const n = Number(part);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be positive numbers, got "${value}"`);
    return n;
  });

/** Reads the command line; throws with a message naming the offending option. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const options: BenchOptions = {
    phases: ['ceilings', 'projection', 'drain', 'latency', 'scale'],
    events: quick ? 2_000 : 30_000,
    fanouts: [1, 4],
    rates: [1_000, 1_500],
    ceilingFractions: [0.05, 0.1],
    warmupSeconds: quick ? 2 : 5,
    latencySeconds: quick ? 4 : 20,
    ceilingInFlight: [64, 128],
    ceilingSeconds: quick ? 2 : 5,
    jetstreamMessages: quick ? 5_000 : 50_000,
    isolationBacklog: quick ? 5_000 : 50_000,
    soakMinutes: 10,
    soakRate: 1_000,
    profile: false,
    tracing: false,
    quick,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    const one = (name: string): number => numbers(value(), name)[0]!;
    switch (flag) {
      case '--quick':
        break;
      case '--soak':
        if (!options.phases.includes('soak')) options.phases.push('soak');
        break;
      case '--cluster': {
        const nodes = Math.round(one('--cluster'));
        if (nodes < 2) throw new Error('--cluster needs at least 2 nodes');
        options.cluster = nodes;
        break;
      }
      case '--profile':
        options.profile = true;
        break;
      case '--tracing':
        options.tracing = true;
        break;
      case '--events':
        options.events = Math.round(one('--events'));
        break;
      case '--isolation':
        if (!options.phases.includes('isolation')) options.phases.push('isolation');
        break;
      case '--isolation-backlog':
        options.isolationBacklog = Math.round(one('--isolation-backlog'));
        break;
      case '--soak-minutes':
        options.soakMinutes = one('--soak-minutes');
        break;
      case '--rates':
        options.rates = numbers(value(), '--rates');
        break;
      case '--ceiling-fractions':
        options.ceilingFractions = numbers(value(), '--ceiling-fractions');
        if (options.ceilingFractions.some((f) => f > 1))
          throw new Error('--ceiling-fractions are shares of ceiling (a), at most 1');
        break;
      case '--fanouts':
        options.fanouts = numbers(value(), '--fanouts').map(Math.round);
        break;
      case '--latency-seconds':
        options.latencySeconds = one('--latency-seconds');
        break;
      case '--delivery-concurrency':
        options.deliveryConcurrency = Math.round(one('--delivery-concurrency'));
        break;
      case '--endpoint-concurrency':
        options.endpointConcurrency = Math.round(one('--endpoint-concurrency'));
        break;
      case '--phases': {
        const phases = value().split(',');
        const unknown = phases.filter((p) => !(PHASES as readonly string[]).includes(p));
        if (unknown.length > 0) throw new Error(`--phases: unknown ${unknown.join(', ')}`);
        options.phases = phases as Phase[];
        break;
      }
      default:
        throw new Error(`unknown option ${flag}`);
    }
  }
  return options;
}

export interface PlannedRate {
  label: string;
  rate: number;
  ceilingFraction?: number;
}

/**
 * The fixed-rate phases in order: the absolute rates (for continuity with earlier runs), then the
 * shares of this run's ceiling (a), when it was measured. Labels name the event ids of a phase.
 */
export function latencyPlan(
  options: Pick<BenchOptions, 'rates' | 'ceilingFractions'>,
  ceilingA: number | undefined,
): PlannedRate[] {
  const plan: PlannedRate[] = options.rates.map((rate, index) => ({
    label: options.rates.indexOf(rate) === index ? `rate${rate}` : `rate${rate}_${index}`,
    rate,
  }));
  if (ceilingA === undefined) return plan;
  options.ceilingFractions.forEach((fraction, index) => {
    const percent = String(Math.round(fraction * 1000) / 10).replace('.', '_');
    const label = `ceil${percent}pct`;
    plan.push({
      label: plan.some((p) => p.label === label) ? `${label}_${index}` : label,
      rate: Math.max(1, Math.round(fraction * ceilingA)),
      ceilingFraction: fraction,
    });
  });
  return plan;
}
