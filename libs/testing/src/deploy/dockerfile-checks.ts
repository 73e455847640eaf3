// Lint and facts for docker/Dockerfile (dockerfile-utils is the linter of the
// VS Code Docker extension) and the role table of docker/entrypoint.sh.
import { DockerfileParser, ModifiableInstruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';

export function dockerfileLint(text: string): string[] {
  return validate(text).map((diagnostic) => {
    const { message } = diagnostic;
    return `line ${diagnostic.range.start.line + 1}: ${typeof message === 'string' ? message : message.value}`;
  });
}

export interface CopyStep {
  readonly from?: string;
  readonly sources: readonly string[];
  readonly destination: string;
}

export interface Stage {
  readonly image: string;
  readonly name?: string;
  readonly user?: string;
  readonly copies: readonly CopyStep[];
  readonly entrypoint?: readonly string[];
}

function flagValue(instruction: unknown, flag: string): string | undefined {
  if (!(instruction instanceof ModifiableInstruction)) return undefined;
  return (
    instruction
      .getFlags()
      .find((f) => f.getName() === flag)
      ?.getValue() ?? undefined
  );
}

/** The build stages in order, with what each one copies, runs as and starts. */
export function dockerfileStages(text: string): Stage[] {
  const stages: { image: string; name?: string; user?: string; copies: CopyStep[]; entrypoint?: string[] }[] =
    [];
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    const keyword = instruction.getKeyword();
    const words = instruction.getArguments().map((argument) => argument.getValue());
    if (keyword === 'FROM') {
      const alias = words[1]?.toUpperCase() === 'AS' ? words[2] : undefined;
      stages.push({ image: words[0] ?? '', name: alias, copies: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) continue;
    if (keyword === 'USER') stage.user = words[0];
    if (keyword === 'ENTRYPOINT')
      stage.entrypoint = JSON.parse(instruction.getArgumentsContent() ?? '') as string[];
    if (keyword === 'COPY' || keyword === 'ADD') {
      stage.copies.push({
        from: flagValue(instruction, 'from'),
        sources: words.slice(0, -1),
        destination: words.at(-1) ?? '',
      });
    }
  }
  return stages;
}

/** True for a user that is not root by name or id (`USER name[:group]`). */
export function isNonRootUser(user: string | undefined): boolean {
  const name = user?.split(':')[0];
  return name !== undefined && name !== '' && name !== 'root' && name !== '0';
}

/** `role) exec node [--flag ...] <script> "$@" ;;` lines of the entrypoint's case statement. */
export function entrypointRoles(script: string): Map<string, { entry: string; flags: string[] }> {
  const roles = new Map<string, { entry: string; flags: string[] }>();
  for (const match of script.matchAll(/^\s*([a-z-]+)\)\s*exec node ((?:--\S+\s+)*)(\S+) "\$@"\s*;;/gm)) {
    roles.set(match[1]!, { entry: match[3]!, flags: match[2]!.split(/\s+/).filter(Boolean) });
  }
  return roles;
}
