// Demo site wiring: fetch the demo site's key from the appliance and hand it to the recorder SDK. The SDK shows
// its consent banner; nothing is recorded, stored or sent until the visitor accepts (and it resumes on later pages
// under the stored consent). body[data-witness] says "recording" once capture runs. `?region=US-CA` passes the
// visitor's region, as a real site would from its CDN's geo header: where the site policy makes that region
// opt-out, the SDK records at once and its notice offers "Opt out".
(async function () {
  const res = await fetch('/demo/site.json');
  const site = await res.json();
  const region = new URLSearchParams(location.search).get('region') || undefined;
  window.Witness.init({ endpoint: location.origin, siteKey: site.siteKey, region });
  const mark = () => {
    if (window.Witness.sessionId()) {
      document.body.dataset.witness = 'recording';
    } else {
      setTimeout(mark, 200);
    }
  };
  mark();
})();
