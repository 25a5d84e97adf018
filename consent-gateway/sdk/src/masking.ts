/**
 * The rrweb masking options for a site policy (`masking`) and the page's own options, which can only add to it.
 *
 * rrweb 2.1.6 has no "unmask" selector and calls `maskTextFn` only for text it already decided to mask, and
 * `maskInputFn` only for input types it already masks. So every input type is handed to `maskInputFn`, and when
 * `piiText` needs to see ordinary text too, every text node goes to `maskTextFn` (selector `*`); the two
 * functions then decide: fully masked (`*` for every non-space character, as rrweb does), PII masked, or kept.
 * `unmask` is applied in `maskTextFn`: text under an unmask selector is exempt from the policy's `maskText`,
 * never from the page's own `rr-mask` / `maskTextSelector`, input masking or PII masking.
 */
import { BANNER_ID } from './banner';
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
    maskTextSelector: piiText ? '*' : join([pageMask, policyMask]),
    maskTextFn: (text, el) =>
      !el ||
      el.closest(pageMask) ||
      (policyMask && el.closest(policyMask) && !(unmaskSelector && el.closest(unmaskSelector)))
        ? text.replace(/\S/g, '*')
        : pii(text),
    blockSelector: join([`#${BANNER_ID}`, ...block, options.blockSelector]),
  };
}

function join(selectors: Array<string | undefined>): string {
  return selectors.filter(Boolean).join(',');
}
