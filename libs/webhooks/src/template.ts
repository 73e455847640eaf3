/**
 * Payload templates, Apify style: JSON text with `{{variable}}` placeholders. A placeholder standing
 * as a JSON value becomes the variable's JSON serialization; inside a JSON string it interpolates
 * the raw text, escaped, so a value can never break out of its string.
 */
export const MAX_TEMPLATE_LENGTH = 16 * 1024;

/** Roots of the variable namespace; dotted placeholders walk into them (`event.data.workflow.id`). */
export type TemplateVariables = Readonly<Record<string, unknown>>;

export class TemplateError extends Error {
  override name = 'TemplateError';
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)*)\s*\}\}/y;

/** null when the template renders valid JSON whatever the variables hold, otherwise why not. */
export function validateTemplate(template: string): string | null {
  if (template.length > MAX_TEMPLATE_LENGTH)
    return `payload template must be at most ${MAX_TEMPLATE_LENGTH} characters`;
  try {
    // Values cannot change the structure (whole values stay one JSON value, strings are escaped),
    // so rendering with every variable unknown checks every possible rendering.
    renderTemplate(template, {});
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Renders the body; unknown variables render `null`. Throws TemplateError when the result is not JSON. */
export function renderTemplate(template: string, variables: TemplateVariables): string {
  let out = '';
  let inString = false;
  let i = 0;
  while (i < template.length) {
    const char = template[i]!;
    if (char === '{' && template[i + 1] === '{') {
      PLACEHOLDER.lastIndex = i;
      const match = PLACEHOLDER.exec(template);
      if (match) {
        const value = lookup(variables, match[1]!);
        out += inString ? escapeInString(value) : JSON.stringify(value ?? null);
        i += match[0].length;
        continue;
      }
      // Outside a string `{{` is never valid JSON, so it can only be a mistyped placeholder.
      if (!inString) throw new TemplateError(`payload template has a malformed placeholder at position ${i}`);
    }
    if (inString && char === '\\') {
      out += template.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (char === '"') inString = !inString;
    out += char;
    i += 1;
  }
  assertJson(out);
  return out;
}

function escapeInString(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  return JSON.stringify(text).slice(1, -1);
}

function lookup(variables: TemplateVariables, path: string): unknown {
  let current: unknown = variables;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    if (Array.isArray(current) && !/^\d+$/.test(key)) return undefined;
    // Own properties only: `{{event.constructor}}` must not reach into prototypes.
    if (!Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function assertJson(text: string): void {
  try {
    JSON.parse(text);
  } catch (error) {
    throw new TemplateError(`payload template does not render valid JSON: ${(error as Error).message}`);
  }
}
