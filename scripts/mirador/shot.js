const puppeteer = require('puppeteer-core');
(async () => {
  const browser = await puppeteer.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--window-size=1600,1000'],
    defaultViewport: { width: 1600, height: 1000 },
  });
  const page = await browser.newPage();
  page.on('console', m => console.log('console:', m.type(), m.text()));
  page.on('pageerror', e => console.log('pageerror:', e.message));
  page.on('requestfailed', r => console.log('requestfailed:', r.url(), r.failure().errorText));
  await page.goto(process.argv[3] || 'http://127.0.0.1:8000/index.html', { waitUntil: 'networkidle0' });
  await new Promise(r => setTimeout(r, 8000));
  const state = await page.evaluate(() => {
    const s = miradorInstance.store.getState();
    const m = s.manifests['http://127.0.0.1:8000/manifest.json'];
    return { manifestError: m && m.error, isFetching: m && m.isFetching,
             annotations: Object.keys(s.annotations || {}),
             viewers: s.viewers };
  });
  console.log(JSON.stringify(state, null, 1));
  await page.screenshot({ path: process.argv[2] || 'mirador.png' });
  await browser.close();
})();
