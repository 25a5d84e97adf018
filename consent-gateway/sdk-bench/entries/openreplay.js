// OpenReplay's tracker with its defaults (inputs obscured, e-mails in text obscured); http needs __DISABLE_SECURE_MODE.
import Tracker from '@openreplay/tracker';

window.BenchSdk = {
  start({ ingestPoint }) {
    const tracker = new Tracker({ projectKey: 'bench-project', ingestPoint, __DISABLE_SECURE_MODE: true });
    tracker.start();
  },
};
