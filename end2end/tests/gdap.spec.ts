import { expect, test } from '@playwright/test';
import { demoUsers, signInAs, waitForHydration } from './pages/app';
import { GdapBox } from './pages/managing';

// A partner's desk: the customer page is desktop-first.
test.skip(({ isMobile }) => isMobile, 'desktop work surface');

test("a customer's GDAP: requested, approved by its Global admin, shown as expiring", async ({ page }) => {
  await signInAs(page, demoUsers.partner);
  await page.goto('/cp/customers');
  await page.getByRole('link', { name: 'Contoso Ltd', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Contoso Ltd');
  await waitForHydration(page);
  const gdap = new GdapBox(page);
  await expect(gdap.region()).toContainText('No GDAP relationship');
  await expect(gdap.region()).toContainText('needs an active GDAP relationship');
  // The least-privilege roles come ticked; Global Administrator does not.
  await expect(gdap.region().getByLabel('Directory Readers')).toBeChecked();
  await expect(gdap.region().getByLabel('Global Administrator')).not.toBeChecked();

  await gdap.request('7', false);
  await expect(gdap.status()).toHaveText('Approval pending');
  const link = await gdap.approvalLink();

  // The customer's Global admin approves on Microsoft's page (the sandbox's).
  const admin = await page.context().newPage();
  await admin.goto(link);
  await expect(admin.getByRole('listitem').filter({ hasText: 'Directory Readers' })).toBeVisible();
  await admin.getByRole('button', { name: 'Approve' }).click();
  await expect(admin.getByRole('heading', { name: 'Approved' })).toBeVisible();
  await admin.close();

  await gdap.checkStatus();
  await expect(gdap.status()).toHaveText('Expiring');
  await expect(gdap.region().locator('[data-test="gdap-days-left"]')).toHaveText('7 days left');
  await expect(gdap.region().getByRole('link', { name: "Open the tenant's admin centre" })).toBeVisible();

  // The Customers list says so too.
  await page.goto('/cp/customers');
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Contoso Ltd', exact: true }) });
  await expect(row.locator('[data-test="gdap-ends-in"]')).toHaveText('GDAP ends in 7 days');
});
