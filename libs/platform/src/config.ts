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

/** One setting of a service: the environment variable it is read from, and how its value is parsed. */
export interface Setting<T> {
  readonly env: string;
  readonly parser: Parser<T>;
}

export function setting<T>(env: string, parser: Parser<T>): Setting<T> {
  return { env, parser };
}

/** A service's configuration: each key is the name the code reads, each value where it comes from. */
export type SettingsSpec<T> = { readonly [K in keyof T]: Setting<T[K]> };

/**
 * Reads and validates a configuration keyed by the names the code uses (`maxEventBytes`); each
 * problem names the environment variable (`MAX_EVENT_BYTES must be ...`). This is the one place of
 * the code base that reads `process.env`.
 */
export function readSettings<T>(spec: SettingsSpec<T>, env: NodeJS.ProcessEnv = process.env): T {
  const config: Partial<T> = {};
  const problems: string[] = [];
  for (const key of Object.keys(spec) as (keyof T & string)[]) {
    const { env: name, parser } = spec[key];
    const result = parser.parse(env[name]);
    if (result.ok) config[key] = result.value;
    else problems.push(`${name} ${result.problem}`);
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
