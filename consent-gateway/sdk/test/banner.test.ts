import { afterEach, describe, expect, it } from 'vitest';
import { BANNER_ID, DEFAULT_BANNER_TEXT, removeBanner, showBanner } from '../src/banner';

const NOTICE = { text: 'We record how you use this site. <b>Not HTML</b>', language: 'en' };

describe('banner', () => {
  afterEach(() => {
    removeBanner();
    document.body.innerHTML = '';
  });

  function show(): Array<boolean> {
    const choices: boolean[] = [];
    showBanner(NOTICE, DEFAULT_BANNER_TEXT, (accepted) => choices.push(accepted));
    return choices;
  }

  const banner = () => document.getElementById(BANNER_ID);
  const buttons = () => [...banner()!.querySelectorAll('button')];

  it('showBanner_isALabelledDescribedDialogWithTheNotice', () => {
    show();
    const dialog = banner()!;
    expect(dialog.getAttribute('role')).toBe('dialog');
    const title = document.getElementById(dialog.getAttribute('aria-labelledby')!)!;
    const notice = document.getElementById(dialog.getAttribute('aria-describedby')!)!;
    expect(title.textContent).toBe('Session recording');
    expect(notice.textContent).toBe(NOTICE.text); // as text: the markup in it is not interpreted
    expect(notice.querySelector('b')).toBeNull();
    expect(notice.lang).toBe('en');
    expect(dialog.style.position).toBe('fixed');
    expect(dialog.style.bottom).toBe('0px');
  });

  it('showBanner_hasTwoRealButtonsReachableByKeyboardAndTakesTheFocus', () => {
    const before = document.createElement('input');
    document.body.append(before);
    before.focus();
    const choices = show();
    expect(buttons().map((b) => [b.textContent, b.type, b.tabIndex >= 0, b.disabled])).toEqual([
      ['Accept', 'button', true, false],
      ['Reject', 'button', true, false],
    ]);
    expect(document.activeElement).toBe(banner());
    buttons()[0].click();
    expect(choices).toEqual([true]);
    expect(banner()).toBeNull();
    expect(document.activeElement).toBe(before); // the focus goes back
  });

  it('showBanner_rejectReportsFalseAndRemovesTheBanner', () => {
    const choices = show();
    buttons()[1].click();
    expect(choices).toEqual([false]);
    expect(banner()).toBeNull();
  });

  it('showBanner_takesTheSitesLabelsAndShowsOnce', () => {
    const german = { title: 'Sitzungsaufzeichnung', accept: 'Zustimmen', reject: 'Ablehnen', acknowledge: 'OK',
      optOut: 'Widersprechen' };
    showBanner(NOTICE, german, () => {});
    showBanner(NOTICE, german, () => {});
    expect(document.querySelectorAll(`#${BANNER_ID}`)).toHaveLength(1);
    expect(buttons().map((b) => b.textContent)).toEqual(['Zustimmen', 'Ablehnen']);
  });

  it('showBanner_optOutNoticeOffersAcknowledgeAndOptOut', () => {
    const choices: boolean[] = [];
    showBanner(NOTICE, DEFAULT_BANNER_TEXT, (ok) => choices.push(ok), true);
    expect(buttons().map((b) => b.textContent)).toEqual(['OK', 'Opt out']);
    buttons()[1].click();
    expect(choices).toEqual([false]);
    expect(banner()).toBeNull();
  });

  it('showBanner_carriesRrwebsBlockClass', () => {
    show();
    // rrweb records an element with it as an empty box (ConsentBrowserIT checks the stored events in Chromium)
    expect(banner()!.classList.contains('rr-block')).toBe(true);
  });
});
