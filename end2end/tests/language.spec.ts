import { expect, test } from '@playwright/test';
import { demoUsers, Shell, signInAs, waitForHydration } from './pages/app';

test('the language switch turns the UI Turkish and back, and is remembered', async ({ page }) => {
  await signInAs(page, demoUsers.partner);
  const shell = new Shell(page);

  await shell.languageButton('TR').click();

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
