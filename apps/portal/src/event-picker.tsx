import { useState } from 'preact/hooks';
import type { EventType } from './api';

/** Types from the catalog as checkboxes, plus patterns the API takes: `prefix.*`, `prefix.>`, `*`. */
export function EventPicker(props: { types: EventType[]; value: string[]; onChange: (v: string[]) => void }) {
  const names = new Set(props.types.map((t) => t.name));
  const patterns = props.value.filter((v) => !names.has(v));
  const [text, setText] = useState<string | null>(null);
  const toggle = (name: string, on: boolean) =>
    props.onChange(on ? [...props.value, name] : props.value.filter((v) => v !== name));
  const setPatterns = (raw: string) => {
    setText(raw);
    const typed = raw
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    props.onChange([...props.value.filter((v) => names.has(v)), ...typed]);
  };
  return (
    <div class="picker">
      <div class="field">
        <label for="patterns">Patterns</label>
        <span class="hint" id="patterns-hint">
          Comma-separated: an exact type, prefix.* (one more part), prefix.&gt; (any depth) or * (everything).
        </span>
        <input
          id="patterns"
          aria-describedby="patterns-hint"
          value={text ?? patterns.join(', ')}
          onInput={(e) => setPatterns(e.currentTarget.value)}
        />
      </div>
      <ul class="types">
        {props.types.map((type) => (
          <li key={type.name}>
            <label>
              <input
                type="checkbox"
                checked={props.value.includes(type.name)}
                onChange={(e) => toggle(type.name, e.currentTarget.checked)}
              />
              <span class="mono">{type.name}</span>
            </label>
          </li>
        ))}
      </ul>
    </div>
  );
}
