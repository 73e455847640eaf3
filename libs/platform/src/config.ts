/** Outcome of parsing one variable; `problem` reads after the variable's name ("HTTP_PORT must be ..."). */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; problem: string };

/** Turns the raw value of one environment variable (undefined when unset) into a typed value. */
export interface Parser<T> {
  parse(raw: string | undefined): ParseResult<T>;
}

/** Every wrong or missing variable at once, so one restart fixes them all. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * One setting of a service: the environment variable it is read from, how its value is parsed,
 * and optionally what is built from the parsed value (a schedule, an allow list, a checked token).
 */
export interface Setting<T> {
  readonly env: string;
  readonly parser: Parser<unknown>;
  /** Throws an Error whose message reads after the variable's name. */
  readonly convert: (value: unknown) => T;
}

export function setting<T>(env: string, parser: Parser<T>): Setting<T>;
export function setting<R, T>(env: string, parser: Parser<R>, convert: (value: R) => T): Setting<T>;
export function setting<R, T>(env: string, parser: Parser<R>, convert?: (value: R) => T): Setting<T> {
  return {
    env,
    parser,
    convert: (convert ?? ((value: R) => value as unknown as T)) as (value: unknown) => T,
  };
}

/** A service's configuration: each key is the name the code reads, each value where it comes from. */
export type SettingsSpec<T> = { readonly [K in keyof T]: Setting<T[K]> };

/**
 * Reads and validates a configuration keyed by the names the code uses (`maxEventBytes`); each
 * problem names the environment variable (`MAX_EVENT_BYTES must be ...`). Every variable is
 * parsed first, and only when all of them are valid is anything built from them, so that a
 * wrong variable is reported alone rather than with what it makes fail. This is the one place
 * of the code base that reads `process.env`.
 */
export function readSettings<T>(spec: SettingsSpec<T>, env: NodeJS.ProcessEnv = process.env): T {
  const keys = Object.keys(spec) as (keyof T & string)[];
  const parsed = new Map<keyof T, unknown>();
  const problems: string[] = [];
  for (const key of keys) {
    const { env: name, parser } = spec[key];
    const result = parser.parse(env[name]);
    if (result.ok) parsed.set(key, result.value);
    else problems.push(`${name} ${result.problem}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const config: Partial<T> = {};
  for (const key of keys) {
    try {
      config[key] = spec[key].convert(parsed.get(key));
    } catch (error) {
      problems.push(`${spec[key].env} ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config as T;
}

/** For a spec keyed by the environment variables themselves (the tracing variables, small tools). */
export function readConfig<T>(
  spec: { [K in keyof T]: Parser<T[K]> },
  env: NodeJS.ProcessEnv = process.env,
): T {
  const settings = {} as { [K in keyof T]: Setting<T[K]> };
  for (const name of Object.keys(spec) as (keyof T & string)[]) settings[name] = setting(name, spec[name]);
  return readSettings(settings, env);
}

/** For mains: a configuration error ends the process with its message on stderr and exit code 1. */
export function exitOnConfigError<T>(fn: () => Promise<T>): Promise<T>;
export function exitOnConfigError<T>(fn: () => T): T;
export function exitOnConfigError<T>(fn: () => T | Promise<T>): T | Promise<T> {
  const exit = (error: unknown): never => {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  };
  try {
    const result = fn();
    return result instanceof Promise ? result.catch(exit) : result;
  } catch (error) {
    return exit(error);
  }
}
