import { expect, test } from '@playwright/test';
import { demoUsers, Shell, signInAs, waitForHydration } from './pages/app';

test('the language switch turns the UI Turkish and back, and is remembered', async ({ page }) => {
  await signInAs(page, demoUsers.partner);
  const shell = new Shell(page);

  await shell.switchLanguage('TR');

  await expect(shell.nav.getByRole('link', { name: 'Bulut Servisleri' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: 'Kontrol Paneli' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'tr');

  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Kontrol Paneli' })).toBeVisible();
  await waitForHydration(page);

  await shell.languageButton('EN').click();

  await expect(shell.nav.getByRole('link', { name: 'Cloud Services' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: 'Control Panel' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});

test('amounts and dates are written as each language writes them', async ({ page }) => {
  await signInAs(page, demoUsers.partner);
  const shell = new Shell(page);
  // The demo partner's credit limit, on the Control Panel.
  await expect(page.getByText('5,000.00 USD')).toBeVisible();
  // Written by the server: the page loads again in the new language to show it so.
  await shell.switchLanguage('TR');
  await expect(page.getByText('5.000,00 USD')).toBeVisible();

  await page.goto('/cp/catalog');
  const basic = page.getByRole('row', { name: /Microsoft 365 Business Basic/ }).first();
  await expect(basic).toContainText(/\d+,\d{2} USD/);
  await expect(basic).not.toContainText(/\d+\.\d{2} USD/);
});
