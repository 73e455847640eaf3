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
 * Reads and validates the configuration; the keys of `spec` are the environment variable names.
 * This is the one place of the code base that reads `process.env`.
 */
export function readConfig<T>(
  spec: { [K in keyof T]: Parser<T[K]> },
  env: NodeJS.ProcessEnv = process.env,
): T {
  const config: Partial<T> = {};
  const problems: string[] = [];
  for (const name of Object.keys(spec) as (keyof T & string)[]) {
    const result = spec[name].parse(env[name]);
    if (result.ok) config[name] = result.value;
    else problems.push(`${name} ${result.problem}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config as T;
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
