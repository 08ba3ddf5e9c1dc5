import { expect, test } from '@playwright/test';
import { demoUsers, signInAs, waitForHydration } from './pages/app';
import { GlobalSearch } from './pages/search';

// The Control Panel and the back office are desktop surfaces.
test.skip(({ isMobile }) => isMobile, 'the Control Panel is used on a desktop');

test('a partner finds a customer by its tenant domain, with the keyboard only', async ({ page }) => {
  await signInAs(page, demoUsers.partner);
  const search = new GlobalSearch(page);

  await search.searchFromTopBar('contoso.onmicrosoft.com');
  await waitForHydration(page);

  const contoso = search.result('Customers', /Contoso Ltd/);
  await expect(contoso).toBeVisible();
  await expect(search.group('Partners')).toHaveCount(0);
  // ↓ from the box to the first result, Enter opens it.
  await search.resultsBox.focus();
  await page.keyboard.press('ArrowDown');
  await expect(contoso).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/cp\/customers\/00000000-0000-4000-8000-000000000003$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Contoso Ltd' })).toBeVisible();
});

test('arrow keys move through results grouped by kind, and nothing found says so', async ({ page }) => {
  await signInAs(page, demoUsers.partner);
  const search = new GlobalSearch(page);
  await page.goto('/cp/search?q=northwind');
  await waitForHydration(page);

  const customer = search.result('Customers', /Northwind Traders/);
  const subscriptions = search.group('Subscriptions').getByRole('link');
  await expect(customer).toBeVisible();
  await expect(subscriptions).toHaveCount(2);
  await search.resultsBox.focus();
  await page.keyboard.press('ArrowDown');
  await expect(customer).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(subscriptions.first()).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(customer).toBeFocused();

  await page.goto('/cp/search?q=nothing-by-this-name');
  await expect(page.getByRole('status').filter({ hasText: 'Nothing found for' })).toContainText('nothing-by-this-name');
});

test('credit control finds a partner with Turkish letters typed plainly', async ({ page }) => {
  await signInAs(page, demoUsers.creditControl);
  const search = new GlobalSearch(page);

  await search.searchFromTopBar('bilisim');

  await expect(page).toHaveURL(/\/backoffice\/search\?q=bilisim$/);
  await search.result('Partners', /Demo Reseller Bilişim Ltd\./).click();
  await expect(page).toHaveURL(/\/backoffice\/partners\/00000000-0000-4000-8000-000000000002$/);
});
