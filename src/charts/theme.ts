/** Colours and type for every chart; one value switches the whole set. */
export interface Theme {
  name: 'dark' | 'light';
  background: string;
  ocean: string;
  land: string;
  border: string;
  /** Coastlines on the zoomed maps. */
  coast: string;
  /** Country borders on the zoomed maps (drawn dashed). */
  zoomBorder: string;
  graticule: string;
  text: string;
  muted: string;
  accent: string;
  dotFill: string;
  dotStroke: string;
  /** Fill opacity of map dots. */
  dotOpacity: number;
  /** Fill of the smallest map dots, drawn without an outline: what fill and outline blend to. */
  smallDot: string;
  /** Dots of the context (outside the place) on zoomed maps. */
  contextDot: string;
  bar: string;
  /** The second measure's bar or series (e.g. returning attackers beside new ones). */
  barSecondary: string;
  leader: string;
  /** Gridlines of the charts with axes. */
  grid: string;
  /** Colour stops, low to high, of sequential scales (choropleth, heatmap, dots coloured by a measure). */
  sequential: readonly string[];
  /** Colours of categories (jails, servers), in order. */
  categorical: readonly string[];
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
  coast: '#33435f',
  zoomBorder: '#6f82a6',
  graticule: '#1a2742',
  text: '#eef2f8',
  muted: '#9aa7bd',
  accent: '#ffc247',
  dotFill: '#ff9f1c',
  dotStroke: '#ffd27a',
  dotOpacity: 0.55,
  smallDot: '#ffb84a',
  contextDot: '#6b7a96',
  bar: '#ff9f1c',
  barSecondary: '#5c6b8a',
  leader: '#c8d2e3',
  grid: '#26324a',
  sequential: ['#33294a', '#6e2c57', '#b23e3f', '#e8701a', '#ffb938', '#fff0b3'],
  categorical: ['#ff9f1c', '#4cc9f0', '#b197fc', '#63e6be', '#f783ac', '#ffe066', '#adb5bd', '#ff6b6b'],
  fontFamily: FONT_STACK,
};

/** Print: light paper, dark ink. */
export const LIGHT: Theme = {
  name: 'light',
  background: '#ffffff',
  ocean: '#eef3f8',
  land: '#d9dee5',
  border: '#ffffff',
  coast: '#b9c2cf',
  zoomBorder: '#8593aa',
  graticule: '#dde5ee',
  text: '#14213d',
  muted: '#56627a',
  accent: '#b23a00',
  dotFill: '#d9480f',
  dotStroke: '#8a2a00',
  dotOpacity: 0.5,
  smallDot: '#c2410c',
  contextDot: '#8d99ae',
  bar: '#d9480f',
  barSecondary: '#9aa5b8',
  leader: '#56627a',
  grid: '#e3e8ef',
  sequential: ['#fde3c8', '#fdbb84', '#f78b45', '#d9480f', '#992b00', '#4d1500'],
  categorical: ['#d9480f', '#1971c2', '#7048e8', '#099268', '#c2255c', '#e67700', '#495057', '#2f9e44'],
  fontFamily: FONT_STACK,
};

export function themeNamed(name: string | undefined | null): Theme {
  if (!name || name === 'dark') return DARK;
  if (name === 'light') return LIGHT;
  throw new Error(`Unknown theme "${name}": use "dark" or "light".`);
}
