import { expect, test } from '@playwright/test';
import { demoUsers, LoginPage, Shell, signInAs, waitForHydration } from './pages/app';

test.describe('signing in', () => {
  for (const [role, user] of Object.entries(demoUsers)) {
    test(`${role} lands on its home`, async ({ page }) => {
      const login = new LoginPage(page);
      await login.goto();
      await waitForHydration(page);

      await login.signIn(user.email);

      await expect(page).toHaveURL(new RegExp(`${user.home}$`));
      await expect(page.getByRole('heading', { level: 1, name: user.heading })).toBeVisible();
      await expect(new Shell(page).signOut()).toBeVisible();
    });
  }

  test('a wrong password is explained next to the field', async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto();
    await waitForHydration(page);

    await login.signIn(demoUsers.operations.email, 'not-the-password');

    await expect(login.fieldError('password')).toHaveText('The e-mail address or the password is not correct.');
    await expect(login.password).toHaveAttribute('aria-invalid', 'true');
    await expect(page).toHaveURL(/\/login/);
  });

  test('a page asked for before signing in opens after it', async ({ page }) => {
    await page.goto('/cp/customers');
    await expect(page).toHaveURL(/\/login\?next=%2Fcp%2Fcustomers/);
    await waitForHydration(page);

    await new LoginPage(page).signIn(demoUsers.partner.email);

    await expect(page).toHaveURL(/\/cp\/customers$/);
    await expect(page.getByRole('cell', { name: 'contoso.onmicrosoft.com' })).toBeVisible();
  });

  test('signing out ends the session', async ({ page }) => {
    await signInAs(page, demoUsers.customer);

    await new Shell(page).signOut().click();

    await expect(page).toHaveURL(/\/login$/);
    await page.goto('/portal');
    await expect(page).toHaveURL(/\/login\?next=%2Fportal/);
  });
});

test('the server refuses a partner the back office', async ({ page }) => {
  await signInAs(page, demoUsers.partner);

  const response = await page.goto('/backoffice/partners');

  expect(response?.status()).toBe(403);
  await expect(page.getByText('Your account does not have access to this page.')).toBeVisible();
  await expect(page.getByRole('cell', { name: 'Demo Reseller Bilişim Ltd.' })).toHaveCount(0);
});
