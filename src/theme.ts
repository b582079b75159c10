/** Colours and type for every chart; one value switches the whole set. */
export interface Theme {
  name: 'dark' | 'light';
  background: string;
  ocean: string;
  land: string;
  border: string;
  graticule: string;
  text: string;
  muted: string;
  accent: string;
  dotFill: string;
  dotStroke: string;
  bar: string;
  leader: string;
  fontFamily: string;
}

// DejaVu Sans is what the PNGs are rendered with (shipped by an npm package, so every
// machine draws the same pixels); viewers of the SVG fall back along the stack.
const FONT_STACK = "'DejaVu Sans', Verdana, 'Helvetica Neue', Arial, sans-serif";

/** Low-light: a night map where the attacks glow. */
export const DARK: Theme = {
  name: 'dark',
  background: '#0b1020',
  ocean: '#0f1a2e',
  land: '#1e2a3f',
  border: '#3a4a66',
  graticule: '#16223a',
  text: '#eef2f8',
  muted: '#9aa7bd',
  accent: '#ffc247',
  dotFill: '#ff9f1c',
  dotStroke: '#ffd27a',
  bar: '#ff9f1c',
  leader: '#c8d2e3',
  fontFamily: FONT_STACK,
};

/** Print: light paper, dark ink. */
export const LIGHT: Theme = {
  name: 'light',
  background: '#ffffff',
  ocean: '#eef3f8',
  land: '#d9dee5',
  border: '#ffffff',
  graticule: '#e2e8f0',
  text: '#14213d',
  muted: '#56627a',
  accent: '#b23a00',
  dotFill: '#d9480f',
  dotStroke: '#8a2a00',
  bar: '#d9480f',
  leader: '#56627a',
  fontFamily: FONT_STACK,
};

export function themeNamed(name: string | undefined | null): Theme {
  if (!name || name === 'dark') return DARK;
  if (name === 'light') return LIGHT;
  throw new Error(`Unknown theme "${name}": use "dark" or "light".`);
}
