// Drives the page `mem0 serve` serves on GET / in headless Chromium
// (puppeteer-core; no browser download: Debian's chromium). Called by
// tests/integration/page_test.cc with two running servers:
//
//   node page_check.mjs --chromium /usr/bin/chromium --open URL \
//        --locked URL --key KEY --screenshot out.png
//
// --open: a server without an API key whose config has an LLM (the fake
// OpenAI server's canned extraction), seeded here through the REST API.
// --locked: a server that wants KEY. Prints "OK", or the failures on stderr
// and exits 1.
import puppeteer from 'puppeteer-core';

const args = {};
for (let i = 2; i + 1 < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
for (const name of ['chromium', 'open', 'locked', 'key', 'screenshot']) {
  if (!args[name]) {
    console.error(`missing --${name}`);
    process.exit(2);
  }
}

const failures = [];
function check(condition, what) {
  if (!condition) failures.push(what);
  return condition;
}

async function rest(base, method, path, body, key) {
  const headers = {'Content-Type': 'application/json'};
  if (key) headers['X-API-Key'] = key;
  const response = await fetch(base + path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text);
}

function say(base, user, content, infer, key) {
  return rest(base, 'POST', '/memories', {messages: [{role: 'user', content}], user_id: user, infer}, key);
}

// Console errors, uncaught exceptions and requests that left the origin.
function watch(page, origin) {
  const log = {console: [], errors: [], foreign: [], responses: []};
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warn') log.console.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => log.errors.push(String(error && error.message ? error.message : error)));
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith('data:') && new URL(url).origin !== origin) log.foreign.push(url);
  });
  page.on('response', (response) => log.responses.push({url: response.url(), status: response.status(), headers: response.request().headers()}));
  return log;
}

const count = (page, selector) => page.$$eval(selector, (nodes) => nodes.length);
const texts = (page, selector) => page.$$eval(selector, (nodes) => nodes.map((n) => n.textContent));
const transformOf = (page, selector) => page.$eval(selector, (node) => node.getAttribute('transform'));

const browser = await puppeteer.launch({
  executablePath: args.chromium,
  headless: true,
  args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--hide-scrollbars'],
  defaultViewport: {width: 1440, height: 880, deviceScaleFactor: 1},
});

try {
  // --- The open server: seed, draw, search, history. ---
  const open = new URL(args.open).origin;
  const user = `alice-${process.pid}`;
  const lives = await say(open, user, 'Alice lives in Paris', true);
  const works = await say(open, user, 'Alice works at Acme', true);
  const tea = await say(open, user, 'Prefers green tea over coffee', false);
  const hostileText = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> likes <b>bold</b> & "quotes"';
  await say(open, user, hostileText, false);
  check(lives.results.length === 1 && works.results.length === 1 && tea.results.length === 1, `seeded: ${JSON.stringify([lives, works, tea])}`);
  check(lives.relations.added_entities.length === 1 && works.relations.added_entities.length === 1, `relations seeded: ${JSON.stringify([lives.relations, works.relations])}`);
  const teaId = tea.results[0].id;
  await rest(open, 'PUT', `/memories/${teaId}`, {text: 'Prefers jasmine green tea over coffee'});

  // What /graph says must be what was seeded: 4 memories, 3 entities
  // (alice, paris, acme), 4 mentions and 2 relations.
  const graph = await rest(open, 'GET', `/graph?user_id=${encodeURIComponent(user)}`);
  const kinds = (list, kind) => list.filter((x) => x.kind === kind).length;
  check(kinds(graph.nodes, 'memory') === 4 && kinds(graph.nodes, 'entity') === 3, `graph nodes: ${JSON.stringify(graph.nodes)}`);
  check(kinds(graph.edges, 'mentions') === 4 && kinds(graph.edges, 'relation') === 2, `graph edges: ${JSON.stringify(graph.edges)}`);

  const page = await browser.newPage();
  const log = watch(page, open);
  await page.goto(`${open}/?user_id=${encodeURIComponent(user)}`, {waitUntil: 'networkidle0'});
  await page.waitForFunction(() => document.body.dataset.state === 'ready' && document.getElementById('graph').dataset.settled === 'true', {timeout: 20000});

  check((await count(page, '#nodes .node.memory')) === 4, `memory nodes drawn: ${await count(page, '#nodes .node.memory')}`);
  check((await count(page, '#nodes .node.entity')) === 3, `entity nodes drawn: ${await count(page, '#nodes .node.entity')}`);
  check((await count(page, '#nodes .node.memory circle')) === 4, 'memories are circles');
  check((await count(page, '#nodes .node.entity rect')) === 3, 'entities are boxes');
  check((await count(page, '#edges .edge')) === 6, `edges drawn: ${await count(page, '#edges .edge')}`);
  check((await count(page, '#edges .edge.relation')) === 2, 'relation edges drawn');
  check((await count(page, '#edges .edge.mentions')) === 4, 'mention edges drawn');
  const relationLabels = (await texts(page, '#edge-labels .edge-label')).sort();
  check(JSON.stringify(relationLabels) === JSON.stringify(['lives in', 'works at']), `relation labels: ${relationLabels}`);
  const entityLabels = (await texts(page, '#nodes .node.entity text')).map((t) => t.toLowerCase()).sort();
  check(JSON.stringify(entityLabels) === JSON.stringify(['acme', 'alice', 'paris']), `entity labels: ${entityLabels}`);
  check((await count(page, '#memory-list li')) === 4, 'memories listed');
  check((await page.$eval('#memory-count', (n) => n.textContent)) === '4', 'memory count shown');

  // Hostile text is shown as text, never run or parsed as markup.
  const listed = await texts(page, '#memory-list li .text');
  check(listed.includes(hostileText), `hostile text shown verbatim: ${JSON.stringify(listed)}`);
  check((await count(page, '#memory-list img, #memory-list script, #memory-list b, #nodes img')) === 0, 'no markup from memory text');
  check((await page.evaluate(() => window.__pwned)) === undefined, 'memory text ran as script');

  // Drag moves a node; the wheel zooms; "fit" brings the view back.
  const dragged = `#nodes .node.memory[data-id="${teaId}"]`;
  const before = await transformOf(page, dragged);
  const box = await (await page.$(`${dragged} circle`)).boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 80, box.y + 60, {steps: 6});
  await page.mouse.up();
  check((await transformOf(page, dragged)) !== before, 'drag moved the node');
  const viewBefore = await transformOf(page, '#viewport');
  const graphBox = await (await page.$('#graph')).boundingBox();
  await page.mouse.move(graphBox.x + 40, graphBox.y + 40);
  await page.mouse.wheel({deltaY: -300});
  check((await transformOf(page, '#viewport')) !== viewBefore, 'wheel zoomed');
  await page.click('#zoom-fit');
  await page.waitForFunction(() => document.getElementById('graph').dataset.settled === 'true', {timeout: 20000});

  // Search: results with scores, highlighted in the graph.
  await page.type('#search-input', 'Where does Alice live? Paris');
  await page.click('#search-form button[type=submit]');
  await page.waitForSelector('#search-section:not([hidden]) #search-results li[data-id]', {timeout: 10000});
  const results = await page.$$eval('#search-results li[data-id]', (items) => items.map((li) => ({id: li.dataset.id, score: li.querySelector('.score').textContent, text: li.querySelector('.text').textContent})));
  check(results.length >= 1 && results[0].id === lives.results[0].id && results[0].text === 'Alice lives in Paris', `search results: ${JSON.stringify(results)}`);
  check(results.every((r) => /^(0|1)\.\d\d$/.test(r.score)), `scores shown: ${JSON.stringify(results)}`);
  const hits = await page.$$eval('#nodes .node.hit', (nodes) => nodes.map((n) => n.dataset.id));
  check(hits.length === results.length && hits.includes(lives.results[0].id), `hits highlighted: ${hits}`);
  check(await page.$eval('#graph', (g) => g.classList.contains('searching')), 'graph in search mode');

  // An entity: what mentions it.
  const paris = graph.nodes.find((n) => n.kind === 'entity' && n.label.toLowerCase() === 'paris');
  await page.click(`#nodes .node.entity[data-id="${paris.id}"] rect`);
  await page.waitForFunction((id) => {
    const detail = document.getElementById('detail');
    return !detail.hidden && detail.dataset.id === id && detail.dataset.history === 'ready';
  }, {timeout: 10000}, paris.id);
  check((await page.$eval('#detail-kind', (n) => n.textContent)) === 'Entity', 'entity panel');
  const mentionedBy = await texts(page, '#detail-list li');
  check(JSON.stringify(mentionedBy) === JSON.stringify(['Alice lives in Paris']), `entity mentioned by: ${mentionedBy}`);

  // A memory: its ADD / UPDATE trail.
  await page.click(`${dragged} circle`);
  await page.waitForFunction((id) => {
    const detail = document.getElementById('detail');
    return !detail.hidden && detail.dataset.id === id && detail.dataset.history === 'ready';
  }, {timeout: 10000}, teaId);
  const events = await page.$$eval('#detail-list li.history-entry', (items) => items.map((li) => li.dataset.event));
  check(JSON.stringify(events) === JSON.stringify(['ADD', 'UPDATE']), `history events: ${events}`);
  const entries = await texts(page, '#detail-list li.history-entry');
  check(entries[0].includes('Prefers green tea over coffee') && entries[1].includes('Prefers jasmine green tea over coffee'), `history text: ${entries}`);
  check((await page.$eval('#detail-text', (n) => n.textContent)) === 'Prefers jasmine green tea over coffee', 'detail text');
  check(await page.$eval(`${dragged}`, (n) => n.classList.contains('selected')), 'clicked node selected');

  await page.screenshot({path: args.screenshot});

  check(log.console.length === 0, `console errors: ${JSON.stringify(log.console)}`);
  check(log.errors.length === 0, `page errors: ${JSON.stringify(log.errors)}`);
  check(log.foreign.length === 0, `requests off the origin: ${JSON.stringify(log.foreign)}`);
  check(log.responses.every((r) => r.status < 400), `failed responses: ${JSON.stringify(log.responses.filter((r) => r.status >= 400))}`);
  await page.close();

  // --- The locked server: the page loads, the API says 401 until the key. ---
  const locked = new URL(args.locked).origin;
  await say(locked, 'bob', 'Bob keeps bees', false, args.key);
  const context = await browser.createBrowserContext();
  const lockedPage = await context.newPage();
  const lockedLog = watch(lockedPage, locked);
  await lockedPage.goto(`${locked}/?user_id=bob`, {waitUntil: 'networkidle0'});
  await lockedPage.waitForFunction(() => document.body.dataset.state === 'needs-key', {timeout: 10000});
  check(await lockedPage.$eval('#key-form', (f) => !f.hidden), 'key form shown');
  const refused = lockedLog.responses.filter((r) => r.url.includes('/graph'));
  check(refused.length === 1 && refused[0].status === 401, `graph before the key: ${JSON.stringify(refused)}`);
  check((await count(lockedPage, '#nodes .node')) === 0, 'nothing drawn without the key');
  await lockedPage.type('#key-input', args.key);
  await lockedPage.click('#key-form button[type=submit]');
  await lockedPage.waitForFunction(() => document.body.dataset.state === 'ready', {timeout: 10000});
  check((await count(lockedPage, '#nodes .node.memory')) === 1, 'memory drawn with the key');
  check(await lockedPage.$eval('#key-form', (f) => f.hidden), 'key form hidden');
  check((await lockedPage.evaluate(() => sessionStorage.getItem('mem0.apiKey'))) === args.key, 'key kept in sessionStorage');
  const granted = lockedLog.responses.filter((r) => r.url.includes('/graph'));
  check(granted.length === 2 && granted[1].status === 200 && granted[1].headers['x-api-key'] === args.key, `graph with the key: ${JSON.stringify(granted.map((r) => r.status))}`);
  // The only console errors are the browser's notes on the refused request.
  const unexpected = lockedLog.console.filter((m) => !m.includes('401'));
  check(unexpected.length === 0, `locked console errors: ${JSON.stringify(lockedLog.console)}`);
  check(lockedLog.errors.length === 0, `locked page errors: ${JSON.stringify(lockedLog.errors)}`);
  check(lockedLog.foreign.length === 0, `locked requests off the origin: ${JSON.stringify(lockedLog.foreign)}`);
  await context.close();
} catch (error) {
  failures.push(`exception: ${error && error.stack ? error.stack : error}`);
} finally {
  await browser.close();
}

if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}
console.log('OK');
