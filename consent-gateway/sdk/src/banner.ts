/**
 * The SDK's own consent banner (option `banner`, default on): a non-modal `role="dialog"` bar at the bottom of
 * the page, labelled by its title and described by the policy's notice text, with an Accept and a Reject
 * button of equal weight. It takes the focus when it appears (so a keyboard or screen-reader user meets it
 * first) and gives it back when closed. Styles are set through the CSSOM, which a CSP without
 * `'unsafe-inline'` styles allows; nothing is loaded. It carries rrweb's block class (`rr-block`), so it is never
 * recorded: a class rrweb checks on every node anyway, where an id in `blockSelector` made rrweb match a selector
 * against every mutated node and its ancestors (masking.ts). The notice is inserted as text, never as HTML.
 */

export const BANNER_ID = 'witness-consent';
/** rrweb's default `blockClass`: an element with it is recorded as an empty box of its size. */
export const BLOCK_CLASS = 'rr-block';

export interface BannerText {
  title: string;
  accept: string;
  reject: string;
  /** Opt-out regions: the notice's buttons (recording has started; the visitor may refuse it). */
  acknowledge: string;
  optOut: string;
}

export const DEFAULT_BANNER_TEXT: BannerText = {
  title: 'Session recording', accept: 'Accept', reject: 'Reject', acknowledge: 'OK', optOut: 'Opt out',
};

/**
 * Shows the banner (at DOMContentLoaded if there is no body yet); `onChoice` gets true for Accept (or, with
 * `optOut`, for Acknowledge: the notice of a region where recording needs no prior grant, whose second button
 * refuses it).
 */
export function showBanner(
  notice: { text: string; language?: string },
  text: BannerText,
  onChoice: (accepted: boolean) => void,
  optOut = false,
): void {
  if (!document.body) {
    document.addEventListener('DOMContentLoaded', () => showBanner(notice, text, onChoice, optOut), { once: true });
    return;
  }
  removeBanner();
  const bar = element('div', 'position:fixed;left:0;right:0;bottom:0;z-index:2147483647;padding:12px 16px;' +
    'background:#1f1f1f;color:#fff;font:15px/1.4 system-ui,sans-serif;box-shadow:0 -2px 8px #0006');
  bar.id = BANNER_ID;
  bar.className = BLOCK_CLASS;
  bar.tabIndex = -1;
  bar.setAttribute('role', 'dialog');
  bar.setAttribute('aria-labelledby', `${BANNER_ID}-title`);
  bar.setAttribute('aria-describedby', `${BANNER_ID}-notice`);
  const title = element('strong', 'display:block', text.title);
  title.id = `${BANNER_ID}-title`;
  const p = element('p', 'margin:4px 0 12px', notice.text);
  p.id = `${BANNER_ID}-notice`;
  if (notice.language) p.lang = notice.language;
  const previous = document.activeElement as HTMLElement | null;
  bar.append(title, p);
  (optOut ? [text.acknowledge, text.optOut] : [text.accept, text.reject]).forEach((label, i) => {
    const button = element('button', 'margin-right:8px;padding:8px 20px;border:2px solid #fff;border-radius:4px;' +
      'background:#fff;color:#1f1f1f;font:inherit;cursor:pointer', label);
    button.type = 'button';
    button.onclick = () => {
      bar.remove();
      previous?.focus?.();
      onChoice(i === 0);
    };
    bar.append(button);
  });
  document.body.append(bar);
  bar.focus();
}

/** Removes the banner if it is shown. */
export function removeBanner(): void {
  document.getElementById(BANNER_ID)?.remove();
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, css: string, text = ''): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  el.style.cssText = css;
  el.textContent = text;
  return el;
}
