import { expect, test, type APIRequestContext } from '@playwright/test';
import { demoUsers, LoginPage, Shell, signInAs } from './pages/app';
import { ApiKeysPage } from './pages/settings';

// Settings are the Control Panel's, on a desktop.
test.skip(({ isMobile }) => isMobile, 'the Control Panel is a desktop area');

/** What the partner API answers a key with (a partner's own system calling). */
async function apiStatus(request: APIRequestContext, token: string): Promise<number> {
  const response = await request.get('/api/v1/customers?limit=1', {
    headers: { Authorization: `Bearer ${token}` },
  });
  return response.status();
}

test.describe('with JavaScript', () => {
  test('a partner creates an API key, sees it once, and revokes it', async ({ page, request }) => {
    await signInAs(page, demoUsers.partner);
    await new Shell(page).nav.getByRole('link', { name: 'Settings' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
    await page.getByRole('link', { name: 'API keys' }).first().click();
    await expect(page.getByRole('heading', { level: 1, name: 'API keys' })).toBeVisible();

    const keys = new ApiKeysPage(page);
    const name = `PSA sync ${Date.now()}`;
    const token = await keys.createKey(name, ['Orders']);
    await expect(page.getByText('it is shown only this once')).toBeVisible();
    await expect(keys.row(name)).toContainText('Active');
    await expect(keys.row(name)).toContainText('Orders');
    expect(await apiStatus(request, token)).toBe(200);

    // Shown once: the list never shows it again.
    await page.reload();
    await expect(keys.row(name)).toBeVisible();
    await expect(page.getByText(token)).toHaveCount(0);

    await keys.revoke(name);
    expect(await apiStatus(request, token)).toBe(401);
  });
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('a key made and revoked with plain forms is shown once on the page the form leads to', async ({
    page,
    request,
  }) => {
    const login = new LoginPage(page);
    await login.goto('/cp/settings/api-keys');
    await login.signIn(demoUsers.partner.email);
    await expect(page).toHaveURL(/\/cp\/settings\/api-keys$/);

    const keys = new ApiKeysPage(page);
    const name = `Scripts ${Date.now()}`;
    const token = await keys.createKey(name, ['Billing']);
    await expect(page).toHaveURL(/\/cp\/settings\/api-keys\?created=/);
    expect(await apiStatus(request, token)).toBe(200);

    // The same address again: the token is gone, and the page says so.
    await page.reload();
    await expect(keys.token).toHaveCount(0);
    await expect(page.getByText('was already shown once')).toBeVisible();

    await keys.revoke(name);
    expect(await apiStatus(request, token)).toBe(401);
  });

  test('a key without a name or scope is refused at its fields', async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto('/cp/settings/api-keys');
    await login.signIn(demoUsers.partner.email);
    const keys = new ApiKeysPage(page);
    await keys.scope('Read').uncheck();
    await keys.create.click();
    await expect(page.locator('#name-error')).toHaveText("Enter the key's name.");
    await expect(page.locator('#scopes-error')).toContainText('Tick at least one scope');
  });
});
