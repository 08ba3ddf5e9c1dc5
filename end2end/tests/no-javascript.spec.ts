import { expect, test } from '@playwright/test';
import { demoUsers, LoginPage } from './pages/app';

// Reading pages and posting forms must work before (or without) the wasm bundle.
test.use({ javaScriptEnabled: false });

test('the login form works without JavaScript', async ({ page }) => {
  const login = new LoginPage(page);
  await login.goto();

  await login.signIn(demoUsers.partner.email);

  await expect(page).toHaveURL(/\/cp$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Control Panel' })).toBeVisible();
  await expect(page.getByText('5,000.00 USD')).toBeVisible();
});

test('a refused sign-in without JavaScript shows its message', async ({ page }) => {
  const login = new LoginPage(page);
  await login.goto();

  await login.signIn(demoUsers.creditControl.email, 'wrong');

  await expect(login.fieldError('password')).toHaveText('The e-mail address or the password is not correct.');
});

test('the catalog search works as a plain form', async ({ page }) => {
  const login = new LoginPage(page);
  await login.goto('/cp/catalog');
  await login.signIn(demoUsers.partner.email);
  await expect(page).toHaveURL(/\/cp\/catalog$/);

  await page.getByLabel('Search the catalog').fill('ESET');
  await page.getByLabel('Search the catalog').press('Enter');

  await expect(page).toHaveURL(/q=ESET/);
  await expect(page.getByRole('rowheader', { name: /ESET PROTECT Entry/ })).toBeVisible();
  await expect(page.getByRole('rowheader', { name: /Business Basic/ })).toHaveCount(0);
});
