import { expect, test } from '@playwright/test';
import { LoginPage, demoUsers, signInAs, waitForHydration } from './pages/app';

// What a phone keeps and what it asks for again, on the build the suite runs: the bundle's
// hashed names are kept for a year, pages are revalidated, and the portal can be added to the
// home screen (icons and a manifest that opens /portal).

test('the bundle is loaded by hashed names and kept, pages are asked for again', async ({ page }) => {
  const bundle: { url: string; cacheControl: string; encoding: string }[] = [];
  page.on('response', (response) => {
    if (new URL(response.url()).pathname.startsWith('/pkg/')) {
      const headers = response.headers();
      bundle.push({ url: response.url(), cacheControl: headers['cache-control'] ?? '', encoding: headers['content-encoding'] ?? '' });
    }
  });
  const answer = await page.goto('/login');
  expect(answer?.status()).toBe(200);
  expect(answer?.headers()['cache-control']).toContain('no-cache');

  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
  // The script, the wasm and the stylesheet, each named cloudmarket.<hash>.<ext>.
  const names = bundle.map((b) => new URL(b.url).pathname);
  for (const ext of ['js', 'wasm', 'css']) {
    expect(names, ext).toContainEqual(expect.stringMatching(new RegExp(`^/pkg/cloudmarket\\.[\\w-]{8,}\\.${ext}$`)));
  }
  for (const file of bundle) {
    expect(file.cacheControl, file.url).toBe('public, max-age=31536000, immutable');
  }
  // The script goes out compressed as the browser accepts (brotli from Chromium).
  const script = bundle.find((b) => b.url.endsWith('.js'));
  expect(script?.encoding).toBe('br');
});

// The mark tests and scripts wait for: `<body data-hydrated>` is set once the page's own chunk has
// hydrated, not when the main bundle has started. Set earlier, a click in between posted the form
// natively (the sign-in would then load a new page instead of answering at the field).
test('a page is marked interactive only once its own chunk has arrived and hydrated', async ({ page }) => {
  const entry = /^\/pkg\/split_sign_in_\d+\.[\w-]+\.wasm$/;
  // The sign-in pages' code held back well after the main bundle, as on a slow phone network.
  await page.route((url) => entry.test(url.pathname), async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.continue();
  });
  const arrived: string[] = [];
  page.on('requestfinished', (request) => {
    if (entry.test(new URL(request.url()).pathname)) arrived.push(request.url());
  });
  const login = new LoginPage(page);
  await login.goto();
  await waitForHydration(page);
  expect(arrived, 'the sign-in chunk, before the page says it is interactive').not.toHaveLength(0);

  let loads = 0;
  page.on('load', () => loads++);
  await login.signIn(demoUsers.operations.email, 'not-the-password');
  await expect(login.fieldError('password')).toHaveText('The e-mail address or the password is not correct.');
  expect(loads, 'answered in place, without a page load').toBe(0);
});

// Each area's pages are a chunk of their own (`split_areas!` in app.rs): a phone signing in to the
// portal downloads the framework, the sign-in pages and then the portal, never the Control Panel's
// or the back office's code.
test('a page downloads its own area of code, not the other areas', async ({ page }) => {
  const wasm: string[] = [];
  page.on('response', (response) => {
    const path = new URL(response.url()).pathname;
    if (path.endsWith('.wasm')) wasm.push(path);
  });
  // Files, not responses: a preloaded chunk may be fetched again when the preload is not reused.
  const area = (name: string) => [...new Set(wasm.filter((path) => new RegExp(`^/pkg/split_${name}_\\d+\\.`).test(path)))];

  await page.goto('/login');
  await waitForHydration(page);
  expect(wasm, 'the main bundle').toContainEqual(expect.stringMatching(/^\/pkg\/cloudmarket\.[\w-]{8,}\.wasm$/));
  // Polled: the response event may be reported a moment after the chunk it brought has run.
  await expect.poll(() => area('sign_in').length, 'the sign-in pages').toBe(1);
  expect(area('portal'), 'the portal, before signing in').toHaveLength(0);

  await new LoginPage(page).signIn(demoUsers.customer.email);
  await expect(page).toHaveURL(/\/portal$/);
  await waitForHydration(page);
  await expect.poll(() => area('portal').length, 'the portal arrives with its chunk').toBe(1);
  for (const elsewhere of ['control_panel', 'back_office', 'onboarding']) {
    expect(area(elsewhere), elsewhere).toHaveLength(0);
  }
});

test('a revisit asks for the page again and gets the bundle without downloading it', async ({ page, request }) => {
  await page.goto('/login');
  const css = await page.locator('link[rel="stylesheet"]').getAttribute('href');
  expect(css).toMatch(/^\/pkg\/cloudmarket\.[\w-]+\.css$/);
  const first = await request.get(css!);
  const modified = first.headers()['last-modified'];
  expect(modified).toBeTruthy();
  const again = await request.get(css!, { headers: { 'If-Modified-Since': modified } });
  expect(again.status()).toBe(304);
});

test('the portal can be added to a phone home screen', async ({ page, request }) => {
  await signInAs(page, demoUsers.customer);
  const head = page.locator('head');
  await expect(head.locator('meta[name="theme-color"]')).toHaveAttribute('content', '#0b5cab');
  const links: Record<string, string> = {};
  for (const rel of ['manifest', 'apple-touch-icon']) {
    links[rel] = (await head.locator(`link[rel="${rel}"]`).getAttribute('href'))!;
  }
  const icons = await head.locator('link[rel="icon"]').evaluateAll((all) => all.map((l) => l.getAttribute('href')!));
  expect(icons).toEqual(['/favicon.ico', '/favicon.svg']);
  for (const href of [...icons, links['apple-touch-icon']]) {
    const response = await request.get(href);
    expect(response.status(), href).toBe(200);
    expect(response.headers()['content-type'], href).toMatch(/^image\//);
  }

  const manifest = await request.get(links.manifest);
  expect(manifest.status()).toBe(200);
  const app = await manifest.json();
  expect(app).toMatchObject({ start_url: '/portal', display: 'standalone', theme_color: '#0b5cab' });
  const purposes: string[] = [];
  for (const icon of app.icons as { src: string; sizes: string; purpose?: string }[]) {
    const response = await request.get(icon.src);
    expect(response.status(), icon.src).toBe(200);
    expect(response.headers()['content-type']).toBe('image/png');
    purposes.push(`${icon.sizes} ${icon.purpose ?? 'any'}`);
  }
  expect(purposes).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '512x512 maskable']));
});

test('robots keep the private areas out of search indexes', async ({ request }) => {
  const robots = await (await request.get('/robots.txt')).text();
  for (const area of ['/cp', '/portal', '/backoffice', '/api']) {
    expect(robots).toContain(`Disallow: ${area}`);
  }
});
