// `make lighthouse` (scripts/lighthouse.sh starts the release server and calls this): Lighthouse's
// mobile preset (simulated slow 4G, 4× CPU slowdown) on the pages phones and partners open first,
// each signed in as the role that uses it, several runs per page; prints the medians per page and
// exits 1 if a page errors (Lighthouse could not load it, it landed elsewhere — a lost session
// shows the login page —, or the page logged an error, as a failed hydration does).
//
//   node run.mjs --origin http://127.0.0.1:PORT --server-bin target/release/server [--runs 3]
//
// The state the pages need is made through the product's own server functions, as the browser
// would post them: a cart, a checkout up to its review step, an order for Contoso that completes
// (so the customer portal has a subscription to manage) and an order still provisioning (its page
// shows live progress). The web server runs no workers (CLOUDMARKET_WORKERS=0); this script runs
// `server worker` processes itself: a fast one for the order that must complete, then a slow one so
// the measured order moves step by step while Lighthouse watches it.
import { spawn, execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    origin: { type: 'string' },
    'server-bin': { type: 'string' },
    runs: { type: 'string' },
    reports: { type: 'string' },
  },
});
const origin = args.origin;
const serverBin = args['server-bin'];
const runs = Number(args.runs ?? process.env.LIGHTHOUSE_RUNS ?? 3);
const reportDir = args.reports ?? join(here, 'reports');
if (!origin || !serverBin) {
  console.error('usage: node run.mjs --origin http://127.0.0.1:PORT --server-bin PATH [--runs N] [--reports DIR]');
  process.exit(2);
}

// The Chromium the browser tests use (end2end/playwright.config.ts), with the same flags.
const chromeFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
].join(' ');
const chromePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const PASSWORD = 'demo-password';
const users = {
  partner: 'partner@reseller.example',
  customer: 'admin@contoso.example',
  credit: 'credit@distributor.example',
};

function fail(message) {
  console.error(`lighthouse: ${message}`);
  process.exitCode = 1;
  throw new Error(message);
}

// ---- the product's server functions, posted as the hydrated page posts them ----

async function post(cookie, endpoint, fields) {
  const response = await fetch(`${origin}/api/${endpoint}`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      Origin: origin,
      Accept: 'application/json',
      'Content-Type': 'application/x-www-form-urlencoded',
      ...(cookie ? { Cookie: cookie } : {}),
    },
    body: new URLSearchParams(fields ?? {}),
  });
  const text = await response.text();
  if (response.status >= 400) fail(`${endpoint} answered ${response.status}: ${text.slice(0, 300)}`);
  return { response, body: text ? JSON.parse(text) : null };
}

async function signIn(email) {
  const { response } = await post(null, 'login', { email, password: PASSWORD });
  const session = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('cm_session='));
  if (!session) fail(`signing in as ${email} set no session cookie`);
  return session;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what, check, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await sleep(250);
  }
  fail(`timed out waiting for ${what}`);
}

function worker(stepMs) {
  const child = spawn(serverBin, ['worker'], {
    env: { ...process.env, CLOUDMARKET_PROVISIONING_STEP_MS: String(stepMs), CLOUDMARKET_WORKERS: '1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (!child.stopping) console.error(`lighthouse: a worker exited early (${code ?? signal})`);
  });
  return {
    async stop() {
      child.stopping = true;
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Fills the partner's cart and takes its checkout to the review step, for `customer`. */
async function checkoutUpToReview(partner, customer) {
  const { body: cart } = await post(partner, 'cart');
  for (const line of cart.lines) await post(partner, 'remove_cart_line', { sku: line.sku });
  await post(partner, 'add_to_cart', { sku: customer.sku, billing_cycle: 'monthly', quantity: '3' });
  await post(partner, 'checkout_customer', customer.fields);
  await post(partner, 'checkout_tenant', customer.tenant);
  const { body: state } = await post(partner, 'checkout');
  return state.idempotency_key;
}

async function submit(partner, key) {
  const { body: number } = await post(partner, 'submit_order', { idempotency_key: key, payment_method: 'wire_transfer' });
  if (!Number.isInteger(number)) fail(`submit_order answered ${JSON.stringify(number)}`);
  return number;
}

async function orderStatus(partner, number) {
  const { body } = await post(partner, 'order', { order_number: String(number) });
  return body.summary.status;
}

// ---- Lighthouse ----

const execLighthouse = promisify(execFile);

async function lighthouse(path, cookie) {
  const flags = [
    `${origin}${path}`,
    '--output=json',
    '--output-path=stdout',
    '--quiet',
    '--only-categories=performance,accessibility,best-practices',
    `--chrome-flags=${chromeFlags}`,
  ];
  // The session travels as a header on every request of the page (document, wasm, server
  // functions, the event stream), as the browser's cookie would.
  if (cookie) flags.push(`--extra-headers=${JSON.stringify({ Cookie: cookie })}`);
  const { stdout } = await execLighthouse(join(here, 'node_modules/.bin/lighthouse'), flags, {
    env: { ...process.env, CHROME_PATH: chromePath },
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(stdout);
}

/** What one run says about one page; `problems` lists why the page counts as errored. */
function summarise(path, lhr) {
  const problems = [];
  if (lhr.runtimeError) problems.push(`${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
  const landed = new URL(lhr.finalDisplayedUrl);
  if (landed.pathname + landed.search !== path) problems.push(`landed on ${landed.pathname}${landed.search}`);
  const consoleErrors = lhr.audits['errors-in-console']?.details?.items ?? [];
  for (const item of consoleErrors) problems.push(`console: ${String(item.description).slice(0, 200)}`);
  const requests = lhr.audits['network-requests']?.details?.items ?? [];
  const bytes = (keep) => requests.filter(keep).reduce((sum, r) => sum + (r.transferSize ?? 0), 0);
  const isWasm = (r) => /\.wasm(\?|$)/.test(r.url);
  const audit = (id) => lhr.audits[id]?.numericValue;
  const score = (id) => (lhr.categories[id]?.score == null ? NaN : Math.round(lhr.categories[id].score * 100));
  const failing = (category) =>
    lhr.categories[category].auditRefs
      .filter((ref) => ref.weight > 0 && lhr.audits[ref.id].score !== null && lhr.audits[ref.id].score < 1)
      .map((ref) => ref.id);
  return {
    problems,
    performance: score('performance'),
    accessibility: score('accessibility'),
    bestPractices: score('best-practices'),
    fcp: audit('first-contentful-paint'),
    lcp: audit('largest-contentful-paint'),
    tbt: audit('total-blocking-time'),
    tti: audit('interactive'),
    cls: audit('cumulative-layout-shift'),
    transfer: audit('total-byte-weight'),
    code: bytes((r) => r.resourceType === 'Script' || r.resourceType === 'Stylesheet' || isWasm(r)),
    wasm: bytes(isWasm),
    wasmFiles: requests.filter(isWasm).length,
    failing: [...failing('accessibility'), ...failing('best-practices')],
  };
}

const median = (values) => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const results = [];

async function measure(name, path, cookie) {
  const samples = [];
  for (let run = 1; run <= runs; run++) {
    let lhr;
    try {
      lhr = await lighthouse(path, cookie);
    } catch (error) {
      samples.push({ problems: [`lighthouse failed: ${String(error.stderr || error.message).slice(0, 300)}`] });
      continue;
    }
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
    writeFileSync(join(reportDir, `${slug}-${run}.json`), JSON.stringify(lhr));
    samples.push(summarise(path, lhr));
  }
  const of = (key) => median(samples.map((s) => s[key]));
  const row = {
    name,
    path,
    problems: [...new Set(samples.flatMap((s) => s.problems))],
    failing: [...new Set(samples.flatMap((s) => s.failing ?? []))],
  };
  for (const key of ['performance', 'accessibility', 'bestPractices', 'fcp', 'lcp', 'tbt', 'tti', 'cls', 'transfer', 'code', 'wasm', 'wasmFiles']) {
    row[key] = of(key);
  }
  results.push(row);
  const p = (v) => (Number.isFinite(v) ? Math.round(v) : '-');
  console.error(
    `  ${name}: performance ${p(row.performance)}, LCP ${p(row.lcp)} ms, TTI ${p(row.tti)} ms` +
      (row.problems.length ? ` — ${row.problems.join('; ')}` : ''),
  );
}

function printTable() {
  const kb = (v) => (Number.isFinite(v) ? (v / 1000).toFixed(0) : '-');
  const ms = (v) => (Number.isFinite(v) ? (v / 1000).toFixed(2) : '-');
  const n = (v) => (Number.isFinite(v) ? String(Math.round(v)) : '-');
  const columns = [
    ['page', (r) => r.name, 24],
    ['perf', (r) => n(r.performance), 5],
    ['a11y', (r) => n(r.accessibility), 5],
    ['b.p.', (r) => n(r.bestPractices), 5],
    ['FCP s', (r) => ms(r.fcp), 6],
    ['LCP s', (r) => ms(r.lcp), 6],
    ['TBT ms', (r) => n(r.tbt), 7],
    ['TTI s', (r) => ms(r.tti), 6],
    ['CLS', (r) => (Number.isFinite(r.cls) ? r.cls.toFixed(3) : '-'), 6],
    ['all KB', (r) => kb(r.transfer), 7],
    ['code KB', (r) => kb(r.code), 8],
    ['wasm KB', (r) => kb(r.wasm), 8],
    ['files', (r) => n(r.wasmFiles), 6],
  ];
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(columns[i][2]) : c.padStart(columns[i][2]))).join(' ');
  console.log(`\nLighthouse ${lighthouseVersion}, mobile preset (simulated slow 4G, 4x CPU), median of ${runs} runs`);
  console.log(line(columns.map((c) => c[0])));
  for (const row of results) console.log(line(columns.map((c) => c[1](row))));
  console.log(
    'all KB: every byte transferred; code KB: scripts, wasm and styles (transferred, compressed); ' +
      'wasm KB/files: the wasm this page loaded.',
  );
  console.log('Targets (#15): performance >= 95, accessibility and best practices 100, TTI <= 2.5 s on the portal,');
  console.log('               code <= 200 KB for /login and the portal, <= 350 KB for any page.');
  for (const row of results.filter((r) => r.failing.length)) {
    console.log(`  ${row.name}: audits below 100: ${row.failing.join(', ')}`);
  }
}

let lighthouseVersion = '?';

async function main() {
  mkdirSync(reportDir, { recursive: true });
  lighthouseVersion = JSON.parse(
    (await promisify(execFile)('node', ['-p', 'JSON.stringify(require("lighthouse/package.json"))'], { cwd: here })).stdout,
  ).version;

  const partner = await signIn(users.partner);
  const customer = await signIn(users.customer);
  const credit = await signIn(users.credit);

  // An order for Contoso that completes, so its portal has a subscription to manage.
  const { body: first } = await post(partner, 'checkout');
  const contoso = first.customers.find((c) => c.name.startsWith('Contoso'));
  if (!contoso) fail('the demo partner has no customer Contoso');
  const key = await checkoutUpToReview(partner, {
    sku: 'CFQ7TTC0LDPB', // Microsoft 365 Business Standard
    fields: { customer_mode: 'existing', customer_id: contoso.customer_id },
    tenant: { tenant_mode: 'existing', domain: contoso.tenant_domain },
  });
  const fast = worker(50);
  const completed = await submit(partner, key);
  await waitFor(`order ${completed} to complete`, async () => (await orderStatus(partner, completed)) === 'completed');
  await fast.stop();
  const { body: subscriptions } = await post(customer, 'my_subscriptions');
  const subscription = subscriptions.find((s) => s.status === 'active');
  if (!subscription) fail('Contoso has no active subscription after its order completed');

  // A new customer's checkout, up to the review step: the cart and review pages show it.
  const tag = randomUUID().slice(0, 8);
  const reviewKey = await checkoutUpToReview(partner, {
    sku: 'CFQ7TTC0LH18', // Microsoft 365 Business Basic
    fields: {
      customer_mode: 'new',
      company_name: `Lighthouse Ltd ${tag}`,
      tax_number: '1234567890',
      address: 'Levent, İstanbul',
      phone: '0212 555 01 02',
      contact_name: 'Ayşe Yılmaz',
      contact_email: `it-${tag}@lighthouse.example`,
      mpn_id: '1234567',
    },
    tenant: { tenant_mode: 'new', prefix: `lh${tag}` },
  });

  console.error(`lighthouse ${lighthouseVersion}: ${runs} runs per page on ${origin}`);
  await measure('/login', '/login', null);
  await measure('catalog', '/cp/catalog?cycle=monthly', partner);
  await measure('cart', '/cp/cart', partner);
  await measure('checkout review', '/cp/checkout/review', partner);

  // The order then provisions slowly: each step takes 20 s, so its page moves while measured.
  const provisioning = await submit(partner, reviewKey);
  const slow = worker(20_000);
  try {
    await measure('order (live progress)', `/cp/orders/${provisioning}`, partner);
  } finally {
    await slow.stop();
  }
  if ((await orderStatus(partner, provisioning)) === 'completed') {
    console.error(`  (order ${provisioning} completed before its last run: its page was measured while it moved)`);
  }

  await measure('portal Microsoft CSP', '/portal/csp', customer);
  await measure('Manage Subscription', `/portal/csp/${subscription.subscription_id}`, customer);
  await measure('back office Applications', '/backoffice/applications', credit);

  printTable();
  const errored = results.filter((r) => r.problems.length);
  for (const row of errored) console.error(`lighthouse: ${row.path} errored: ${row.problems.join('; ')}`);
  if (errored.length) process.exitCode = 1;
  console.log(`Reports (JSON, one per run): ${reportDir}`);
}

main().catch((error) => {
  if (!process.exitCode) console.error(error);
  process.exitCode = 1;
});
