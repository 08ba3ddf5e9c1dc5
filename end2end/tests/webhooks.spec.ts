import { expect, test, type Page } from '@playwright/test';
import { demoUsers, LoginPage, signInAs } from './pages/app';
import { WebhooksPage } from './pages/webhooks';

// Settings → Webhooks is part of the Control Panel, a desktop surface.
test.skip(({ isMobile }) => isMobile, 'the Control Panel is used on a desktop');

function unique(prefix: string) {
  return `${prefix}${Date.now()}${Math.floor(Math.random() * 1000)}`;
}

/** Registers an endpoint to the sandbox's receiver, reads its secret once, sends a test event and
 * sees it delivered in the log. Returns the endpoint page's URL. */
async function registerAndTest(page: Page, webhooks: WebhooksPage, tag: string) {
  await webhooks.goto();
  const url = webhooks.receiverUrl(tag);
  await webhooks.add(url, `E2E ${tag}`);

  await expect(page).toHaveURL(/\/cp\/settings\/webhooks\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { level: 1, name: url })).toBeVisible();
  await expect(webhooks.secret()).toHaveValue(/^whsec_[A-Za-z0-9+/=]{40,}$/);
  await expect(page.getByText('it is shown only this once')).toBeVisible();

  // Once: the page never shows it again.
  await webhooks.reload();
  await expect(webhooks.secret()).toHaveCount(0);
  await expect(page.getByText('Nothing sent yet.')).toBeVisible();

  await webhooks.sendTestEvent();
  await webhooks.expectDelivered('webhook.test');
  return page.url();
}

test.describe('with JavaScript', () => {
  test('a partner registers an endpoint, sees its secret once, sends a test event and deletes it', async ({
    page,
  }) => {
    await signInAs(page, demoUsers.partner);
    const webhooks = new WebhooksPage(page, true);
    const tag = unique('js');
    await registerAndTest(page, webhooks, tag);

    // Deleting asks for a confirmation first.
    await webhooks.delete(false);
    await expect(webhooks.fieldError('confirm')).toHaveText(/Tick the box to confirm/);
    await webhooks.delete(true);
    await expect(page).toHaveURL(/\/cp\/settings\/webhooks$/);
    await expect(page.getByRole('link', { name: webhooks.receiverUrl(tag) })).toHaveCount(0);
  });
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the same works as plain forms, and a refused address is explained at its field', async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto('/cp/settings/webhooks');
    await login.signIn(demoUsers.partner.email);
    await expect(page).toHaveURL(/\/cp\/settings\/webhooks$/);
    const webhooks = new WebhooksPage(page, false);

    await webhooks.add('ftp://files.example.com/hook', 'Wrong scheme');
    await expect(webhooks.fieldError('url')).toHaveText(/Enter the endpoint's full address/);
    await expect(page.getByLabel('Description')).toHaveValue('Wrong scheme');

    const tag = unique('nojs');
    await registerAndTest(page, webhooks, tag);

    await webhooks.delete(true);
    await expect(page).toHaveURL(/\/cp\/settings\/webhooks$/);
    await expect(page.getByRole('link', { name: webhooks.receiverUrl(tag) })).toHaveCount(0);
  });
});
