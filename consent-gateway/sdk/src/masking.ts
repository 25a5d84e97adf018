/**
 * The rrweb masking options for a site policy (`masking`) and the page's own options, which can only add to it.
 *
 * rrweb 2.1.6 has no "unmask" selector and calls `maskTextFn` only for text it already decided to mask, and
 * `maskInputFn` only for input types it already masks. So every input type is handed to `maskInputFn`, which
 * decides: fully masked (`*` for every non-space character, as rrweb does), PII masked, or kept. Text goes to
 * `maskTextFn` only under the page's and the policy's mask selectors; `unmask` is applied there: text under an
 * unmask selector is exempt from the policy's `maskText`, never from the page's own `rr-mask` /
 * `maskTextSelector`, input masking or PII masking. PII in ordinary text (`piiText`) is masked in the recorded
 * event instead (`maskEventPii`): handing every text node to `maskTextFn` made rrweb look up each node's parent
 * and walk its ancestors, which cost more main-thread time than the PII check itself (docs/benchmarks.md).
 */
import type { ResolvedOptions } from './options';
import { maskPii } from './pii';
import type { SitePolicy } from './policy';

export interface MaskingOptions {
  maskAllInputs: true;
  maskInputFn: (text: string, element: HTMLElement) => string;
  maskTextSelector: string;
  maskTextFn: (text: string, element: HTMLElement | null) => string;
  blockSelector: string;
}

export function maskingOptions(policy: SitePolicy, options: ResolvedOptions): MaskingOptions {
  const { inputs = 'all', maskText = [], block = [], unmask = [], piiText = true } = policy.masking ?? {};
  const maskedTypes = inputs === 'all' || options.maskAllInputs ? undefined : ['password', ...inputs];
  const pageMask = join(['.rr-mask', options.maskTextSelector]); // the page's own: unmask does not apply
  const policyMask = join(maskText);
  const unmaskSelector = join(unmask);
  const pii = piiText ? maskPii : (text: string) => text;
  return {
    maskAllInputs: true, // every input type reaches maskInputFn
    maskInputFn: (text, el) =>
      !maskedTypes ||
      el.hasAttribute('data-rr-is-password') || // a password field whose type the page switched to text
      maskedTypes.some((t) => t === (el as HTMLInputElement).type || t === el.localName)
        ? '*'.repeat(text.length)
        : pii(text),
    // rrweb checks its maskTextClass `rr-mask` by itself: naming it again would cost a second `closest` per node.
    maskTextSelector: join([options.maskTextSelector, policyMask]),
    // Called under one of the two only: the page's masks always, the policy's unless unmasked.
    maskTextFn: (text, el) =>
      el && !el.closest(pageMask) && unmaskSelector && el.closest(unmaskSelector) ? text : text.replace(/\S/g, '*'),
    // The banner has rrweb's block class (banner.ts). A selector here costs rrweb a `matches` and a `closest` for
    // every mutated node, so it is only the policy's and the page's, and empty when they have none.
    blockSelector: join([...block, options.blockSelector]),
  };
}

function join(selectors: Array<string | undefined>): string {
  return selectors.filter(Boolean).join(',');
}

/**
 * Attributes that carry words a person wrote or a link's target (`title`, `alt`, `placeholder`, `aria-label`,
 * `value`, `content`, URLs such as `href` with `mailto:` or a query, and every `data-*`; not `data:` URIs): where
 * `piiText` is on, their PII is masked in the browser too, since rrweb's masking hooks see text and input values
 * only. Geometry and styling (`d`, `points`, `style`, `class`, stylesheets) are left alone: their digit runs are not
 * personal data and masking them would break the replay.
 */
const TEXT_ATTRIBUTES = new Set(['title', 'alt', 'placeholder', 'aria-label', 'label', 'value', 'content', 'href',
  'src', 'action']);

interface SerializedLike {
  type?: number;
  textContent?: unknown;
  isStyle?: unknown;
  attributes?: Record<string, unknown>;
  childNodes?: SerializedLike[];
}

function maskAttributes(attributes: Record<string, unknown> | undefined): void {
  if (!attributes) return;
  for (const name in attributes) {
    const value = attributes[name];
    if (typeof value === 'string' && (TEXT_ATTRIBUTES.has(name) || name.startsWith('data-')) && !value.startsWith('data:')) {
      const masked = maskPii(value);
      if (masked !== value) attributes[name] = masked;
    }
  }
}

/** A node's text (rrweb's text node, not a stylesheet's) and text attributes, and those of its children. */
function maskTree(node: SerializedLike | undefined): void {
  if (!node) return;
  if (node.type === 3 && typeof node.textContent === 'string' && !node.isStyle) node.textContent = maskPii(node.textContent);
  maskAttributes(node.attributes);
  if (node.childNodes) for (const child of node.childNodes) maskTree(child);
}

/**
 * Masks PII in a recorded event, in place (the event is rrweb's, about to be serialized): the text nodes and text
 * attributes of a full snapshot's tree or a mutation's added nodes, a mutation's text and attribute changes.
 * Text rrweb already masked is only `*` and whitespace by then; stylesheet text is left alone, as rrweb does.
 */
export function maskEventPii(event: { type: number; data: unknown }): void {
  const data = event.data as {
    node?: SerializedLike;
    source?: number;
    adds?: Array<{ node?: SerializedLike }>;
    texts?: Array<{ value?: unknown }>;
    attributes?: Array<{ attributes?: Record<string, unknown> }>;
  };
  if (event.type === 2) maskTree(data?.node);
  else if (event.type === 3 && data?.source === 0) {
    for (const add of data.adds ?? []) maskTree(add.node);
    for (const text of data.texts ?? []) if (typeof text.value === 'string') text.value = maskPii(text.value);
    for (const change of data.attributes ?? []) maskAttributes(change.attributes);
  }
}
