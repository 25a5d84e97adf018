/**
 * A minimal element builder. All text goes through `textContent`, never `innerHTML`: recordings carry URLs, selectors
 * and error messages from third-party pages, and none of it may ever become markup in the console.
 */

type Child = Node | string | number | null | undefined | false;
type Props = Record<string, unknown>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = String(value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value as EventListener);
    else if (key === 'value' && 'value' in el) (el as HTMLInputElement).value = String(value);
    else if (key === 'checked' && 'checked' in el) (el as HTMLInputElement).checked = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

const SVG = 'http://www.w3.org/2000/svg';

/** 16×16 stroke icons (drawn for this console). */
const ICONS: Record<string, string> = {
  play: 'M5 3.5v9l7.5-4.5z',
  pause: 'M5 3.5v9M11 3.5v9',
  link: 'M6.5 9.5l3-3M7 4.5l1.2-1.2a2.6 2.6 0 013.6 3.6L10.6 8M9 11.5l-1.2 1.2a2.6 2.6 0 01-3.6-3.6L5.4 8',
  back: 'M10 3.5L5.5 8l4.5 4.5',
  alert: 'M8 2.5l6 11H2zM8 6.5v3.2M8 11.6v.1',
  user: 'M8 8a2.5 2.5 0 100-5 2.5 2.5 0 000 5zM3 13.5c.6-2.4 2.6-3.5 5-3.5s4.4 1.1 5 3.5',
  logout: 'M6.5 13.5H3.5v-11h3M10 5l3 3-3 3M13 8H6.5',
  refresh: 'M13 8a5 5 0 11-1.5-3.6M13 2.5v2.5h-2.5',
  filter: 'M2.5 3.5h11L9.5 8.5v4l-3 1v-5z',
  check: 'M3.5 8.5l3 3 6-7',
  download: 'M8 2.5v8M4.5 7.5L8 11l3.5-3.5M2.5 13.5h11',
  shield: 'M8 1.8l5 2v4c0 3-2.2 5.3-5 6.4-2.8-1.1-5-3.4-5-6.4v-4z',
  film: 'M2.5 3.5h11v9h-11zM2.5 6.5h11M2.5 9.5h11M5.5 3.5v9M10.5 3.5v9',
  skip: 'M3 4l5 4-5 4zM8.5 4l5 4-5 4z',
};

export function icon(name: keyof typeof ICONS | string, label?: string): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('width', '16');
  svg.setAttribute('height', '16');
  svg.setAttribute('class', `icon icon-${name}`);
  if (label) {
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', label);
  } else {
    svg.setAttribute('aria-hidden', 'true');
  }
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', ICONS[name] ?? '');
  svg.appendChild(path);
  return svg;
}

/** The product mark: a lens in a rounded square. */
export function logo(): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '24');
  svg.setAttribute('height', '24');
  svg.setAttribute('class', 'logo-mark');
  svg.setAttribute('aria-hidden', 'true');
  const rect = document.createElementNS(SVG, 'rect');
  for (const [k, v] of Object.entries({ x: '0', y: '0', width: '24', height: '24', rx: '5' })) rect.setAttribute(k, v);
  const eye = document.createElementNS(SVG, 'path');
  eye.setAttribute('d', 'M4 12s3-5 8-5 8 5 8 5-3 5-8 5-8-5-8-5z');
  eye.setAttribute('class', 'logo-eye');
  const pupil = document.createElementNS(SVG, 'circle');
  for (const [k, v] of Object.entries({ cx: '12', cy: '12', r: '2.4' })) pupil.setAttribute(k, v);
  pupil.setAttribute('class', 'logo-pupil');
  svg.append(rect, eye, pupil);
  return svg;
}
