import { expect, test } from '@playwright/test';
import { demoUsers, signInAs } from './pages/app';

test('the catalog filters as you type once hydrated', async ({ page }) => {
  await signInAs(page, demoUsers.partner, '/cp/catalog');
  const basic = page.getByRole('rowheader', { name: /^Microsoft 365 Business Basic/ });
  await expect(basic).toBeVisible();
  const status = page.getByRole('status').filter({ hasText: 'products shown' });
  const before = await status.textContent();

  // The catalog's code arrives in a chunk of its own, possibly after the main bundle says it has
  // hydrated: typed again until the page filters.
  const box = page.getByLabel('Search the catalog');
  await expect(async () => {
    await box.fill('');
    await box.pressSequentially('acronis');
    await expect(status).toHaveText('2 products shown', { timeout: 2_000 });
  }).toPass();

  // Filtered in the page: no navigation happened, and only Acronis products remain.
  await expect(page).toHaveURL(/\/cp\/catalog$/);
  await expect(status).toHaveText('2 products shown');
  expect(before).not.toBe('2 products shown');
  await expect(basic).toHaveCount(0);
  await expect(page.getByRole('rowheader', { name: /Acronis Cyber Protect Cloud – Microsoft 365 backup/ })).toBeVisible();

  await page.getByLabel('Search the catalog').fill('no such product');
  await expect(page.getByText('No product matches your search.')).toBeVisible();
});
