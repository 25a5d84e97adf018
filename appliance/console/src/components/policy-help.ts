/**
 * The policy page's short reference: the sections of a policy document and the defaults that apply to whatever a
 * document leaves out (policy-rules/README.md is the full one).
 */
import { h } from '../lib/dom';

const SECTIONS: [string, string][] = [
  ['consent', 'Opt-in or opt-out (per region), what GPC and Do Not Track mean, purposes, receipt lifetime, erasure on withdrawal, the notice.'],
  ['capture', 'Which paths are recorded (allow and deny globs), the share of visitors sampled, whether query strings are kept.'],
  ['masking', 'Which inputs are masked, CSS selectors whose text is masked, blocked or shown, masking of text that looks personal.'],
  ['console', 'Whether console messages are captured, and which levels.'],
  ['network', 'Whether network requests are captured.'],
  ['pii', 'What the server’s detector looks for (card, ssn, email, phone, iban) and whether it redacts or quarantines.'],
];

const DEFAULTS = [
  'Opt-in consent for the replay purpose; GPC and DNT mean “do not record”.',
  'Receipts valid 180 days; a withdrawal erases the visitor’s past recordings.',
  'Whole site in scope, every visitor sampled; query strings and fragments dropped.',
  'Every input value masked (passwords always); text that looks personal masked.',
  'Console errors captured; no network capture.',
  'Card numbers, SSNs, e-mail addresses, phone numbers and IBANs redacted. Card numbers cannot be taken out (PCI DSS 3.3.1).',
];

export function policyHelp(): HTMLElement {
  return h(
    'section',
    { class: 'card side-card policy-help', 'aria-labelledby': 'policy-help-title' },
    h('h2', { id: 'policy-help-title', class: 'card-title' }, 'Writing a policy'),
    h('p', { class: 'muted' }, 'YAML or JSON. Every section is optional: what a document leaves out takes the safe default.'),
    h('dl', { class: 'help-list' }, ...SECTIONS.flatMap(([name, text]) => [h('dt', {}, h('code', {}, name)), h('dd', {}, text)])),
    h('h3', { class: 'help-subtitle' }, 'Safe defaults'),
    h('ul', { class: 'help-defaults' }, ...DEFAULTS.map((d) => h('li', {}, d))),
    h('p', { class: 'muted help-note' }, 'Each problem names its line and column: choose it to put the cursor there.'),
  );
}
