import type { Session } from './api';

/** sRGB relative luminance (WCAG 2). */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

const contrast = (a: number, b: number) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);

/**
 * The session's colour on buttons, with black or white text, whichever reads better; as the
 * accent of text on white only when it keeps 4.5:1 (WCAG AA), otherwise the default accent.
 */
export function applyTheme(theme: Session['theme']): void {
  const root = document.documentElement.style;
  if (theme.title) document.title = theme.title;
  const color = theme.primaryColor;
  if (!color || !/^#[0-9a-fA-F]{6}$/.test(color)) return;
  const l = luminance(color);
  root.setProperty('--primary', color);
  root.setProperty('--on-primary', contrast(l, 1) >= contrast(l, 0) ? '#ffffff' : '#000000');
  if (contrast(l, 1) >= 4.5) root.setProperty('--accent', color);
}
