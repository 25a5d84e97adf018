// Demo site wiring: fetch the demo site's key from the appliance, then start recording.
// (Consent gating arrives with the consent gateway; the demo page starts capture itself.)
(async function () {
  const res = await fetch('/demo/site.json');
  const site = await res.json();
  window.Witness.init({ endpoint: location.origin, siteKey: site.siteKey });
  window.Witness.start();
  document.body.dataset.witness = 'recording';
})();
