import AxeBuilder from '@axe-core/playwright';
import { devices, expect, test, type Page } from '@playwright/test';
import { demoUsers, LoginPage, Shell, signInAs, waitForHydration } from './pages/app';
import { AccountPage, CspPage, CustomerDeskPage, clockAhead } from './pages/managing';
import { CartPage, CatalogPage, CheckoutPage, OrderPage, type NewCustomer } from './pages/ordering';

// One demo partner, one server-side cart: these tests take turns (the config runs this file in
// one project only, and its phone test sets a phone viewport itself).
test.describe.configure({ mode: 'serial', timeout: 90_000 });

function unique(prefix: string) {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;
}

function customer(company: string): NewCustomer {
  return {
    company,
    taxNumber: '1234567890',
    address: 'Levent, İstanbul',
    phone: '0212 555 01 02',
    contactName: 'Ayşe Yılmaz',
    contactEmail: `it@${company.toLowerCase().replace(/[^a-z0-9]/g, '')}.example`,
  };
}

async function freshCart(page: Page) {
  await signInAs(page, demoUsers.partner);
  await new CartPage(page).clear();
}

/** A fresh cart with one product, then "Proceed to Check Out". */
async function checkoutWith(page: Page, billing: 'Monthly' | 'Annual', product: string, quantity: number) {
  await freshCart(page);
  const catalog = new CatalogPage(page);
  await catalog.goto();
  await catalog.chooseBilling(billing);
  await catalog.add(product, quantity);
  await catalog.continueToCart();
  await new CartPage(page).proceed();
}

/** Orders one product, monthly, for Contoso on its existing tenant; returns the order number. */
async function orderForContoso(page: Page, product: string, quantity: number): Promise<string> {
  await checkoutWith(page, 'Monthly', product, quantity);
  const checkout = new CheckoutPage(page);
  await checkout.existingCustomer('Contoso Ltd');
  await checkout.continue('tenant');
  await checkout.continue('review');
  await waitForHydration(page);
  return checkout.submit();
}

/** Orders one product for a new customer on a new tenant, up to the order page. */
async function orderForNewCustomer(
  page: Page,
  item: { product: string; quantity: number; name: string; mpn?: string },
): Promise<{ number: string; prefix: string; company: string }> {
  await checkoutWith(page, 'Monthly', item.product, item.quantity);
  const checkout = new CheckoutPage(page);
  const company = unique(`${item.name}co `);
  await checkout.newCustomer(customer(company), item.mpn ?? '1234567');
  await checkout.continue('tenant');
  const prefix = unique(item.name.toLowerCase());
  await checkout.newTenant(prefix);
  await expect(checkout.prefixStatus()).toContainText('is available');
  await checkout.continue('review');
  await waitForHydration(page);
  return { number: await checkout.submit(), prefix, company };
}

test('a new customer with a new tenant: catalog, add-on, live totals, refusals, submit', async ({ page }) => {
  await freshCart(page);
  const catalog = new CatalogPage(page);
  await catalog.goto();
  await expect(page.getByRole('button', { name: /^Add to cart/ })).toHaveCount(0);
  await catalog.chooseBilling('Monthly');
  await catalog.add('Microsoft 365 Business Basic', 3);
  // The base product in the cart offers its add-ons.
  await expect(catalog.offeredAddOns()).toContainText('Microsoft Defender for Office 365 (Plan 1)');
  await catalog.offeredAddOns().getByLabel('Quantity · Microsoft Defender for Office 365 (Plan 1)').fill('3');
  await catalog.offeredAddOns().getByRole('button', { name: 'Add to cart · Microsoft Defender for Office 365 (Plan 1)' }).click();
  await catalog.continueToCart();

  const cart = new CartPage(page);
  // 3 × 7.20 + 3 × 2.40 = 28.80; KDV 5.76.
  await expect(cart.total('subtotal')).toHaveText('28.80 USD');
  await cart.quantity('Microsoft 365 Business Basic').fill('10');
  // 10 × 7.20 + 3 × 2.40 = 79.20 while typing, before anything is saved.
  await expect(cart.total('subtotal')).toHaveText('79.20 USD');
  await expect(cart.total('vat')).toHaveText('15.84 USD');
  await expect(cart.total('total')).toHaveText('95.04 USD');
  await cart.quantity('Microsoft 365 Business Basic').press('Tab');
  await expect(page.getByText('Cart updated.')).toBeVisible();
  await page.reload();
  await expect(cart.quantity('Microsoft 365 Business Basic')).toHaveValue('10');
  await cart.proceed();

  const checkout = new CheckoutPage(page);
  const company = unique('Acme ');
  await checkout.newCustomer({ ...customer(company), contactEmail: 'it@microsoft.com', taxNumber: '12' }, '8000150');
  await checkout.continue();
  await expect(checkout.fieldError('contact_email')).toContainText('microsoft.com');
  await expect(checkout.fieldError('tax_number')).toContainText('10 digits');
  await page.getByLabel('Contact e-mail').fill(customer(company).contactEmail);
  await page.getByLabel('Tax number').fill('1234567890');
  await checkout.continue();
  await expect(checkout.fieldError('mpn_id')).toContainText('800015');
  await page.getByLabel('MPN ID').fill('8000160');
  await checkout.continue();
  await expect(checkout.fieldError('mpn_id')).toContainText('800016');
  await page.getByLabel('MPN ID').fill('9001230');
  await checkout.continue();
  await expect(checkout.fieldError('mpn_id')).toContainText('900123');
  await page.getByLabel('MPN ID').fill('1234567');
  await checkout.continue('tenant');

  await checkout.newTenant('contoso');
  await expect(checkout.prefixStatus()).toContainText('already taken');
  await checkout.newTenant('acme-ltd');
  await expect(checkout.prefixStatus()).toContainText('letters');
  const prefix = unique('acme');
  await checkout.newTenant(prefix);
  await expect(checkout.prefixStatus()).toContainText('is available');
  await checkout.continue('review');

  await expect(page.getByText(`${prefix}.onmicrosoft.com`)).toBeVisible();
  await expect(page.getByRole('row', { name: /Microsoft 365 Business Basic/ })).toContainText('10');
  await expect(page.locator('dd[data-total="total"]')).toHaveText('95.04 USD');
  // Back and forward keep what was entered.
  await page.goBack();
  await expect(page.getByLabel('Domain prefix for the new tenant')).toHaveValue(prefix);
  await page.goForward();
  await waitForHydration(page);
  const number = await checkout.submit();
  await expect(page.locator('.subtitle')).toContainText(company);
  // Provisioning runs in the background; the page follows it without a reload.
  await expect(page.getByRole('region', { name: 'Provisioning progress' })).toBeVisible();
  await expect(page.locator('.subtitle')).toContainText('Completed', { timeout: 20_000 });
  await expect(page.getByRole('listitem').filter({ hasText: 'Creating the Microsoft tenant' })).toBeVisible();
  await expect(page.locator('progress')).toHaveAttribute('value', '100');

  await page.goto('/cp/orders');
  await expect(page.getByRole('link', { name: number })).toBeVisible();
});

test('a new customer accepts the Microsoft Customer Agreement at checkout: refused without it, then ordered', async ({
  page,
}) => {
  await checkoutWith(page, 'Monthly', 'Microsoft 365 Business Basic', 2);
  const checkout = new CheckoutPage(page);
  const company = unique('Mca ');
  await checkout.newCustomer(customer(company), '1234567');
  await checkout.continue('tenant');
  const prefix = unique('mca');
  await checkout.newTenant(prefix);
  await expect(checkout.prefixStatus()).toContainText('is available');
  await checkout.continue('review');
  await waitForHydration(page);

  // The agreement's text, at the version attested to, and who signs it for the customer.
  await expect(checkout.agreement()).toBeVisible();
  await expect(checkout.agreement()).toContainText('version 2025-07');
  await expect(checkout.agreementLink()).toHaveAttribute('href', /\/sandbox\/agreements\/mca\?version=2025-07$/);
  await expect(checkout.agreement().getByLabel("Signatory's company")).toHaveValue(company);
  const text = await page.request.get((await checkout.agreementLink().getAttribute('href')) ?? '');
  expect(text.ok()).toBeTruthy();
  expect(await text.text()).toContain('Microsoft Customer Agreement');

  // Submitted without a signatory: refused at the fields, nothing ordered.
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(checkout.agreement()).toContainText('Confirm that the signatory has read and accepted the Microsoft Customer Agreement.');
  await expect(page).toHaveURL(/\/cp\/checkout\/review$/);
  await checkout.agreement().getByLabel("Signatory's e-mail").fill('not-an-address');
  await checkout.agreement().getByLabel("Signatory's first name").fill('Ayşe');
  await checkout.agreement().getByLabel("Signatory's last name").fill('Yılmaz');
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(checkout.fieldError('signatory_email')).toBeVisible();
  await expect(checkout.fieldError('agreement_accepted')).toContainText('Confirm that the signatory');

  const number = await checkout.submit({ firstName: 'Ayşe', lastName: 'Yılmaz', email: 'ayse@mca.example' });
  await expect(page.locator('.subtitle')).toContainText(company);
  await expect(page.getByRole('listitem').filter({ hasText: 'Accepting the customer agreement' })).toBeVisible({
    timeout: 20_000,
  });
  await expect(page.locator('.subtitle')).toContainText('Completed', { timeout: 20_000 });

  // Once per customer: its next order does not ask again.
  await checkoutWith(page, 'Monthly', 'Exchange Online (Plan 1)', 1);
  await checkout.existingCustomer(company);
  await checkout.continue('tenant');
  await checkout.continue('review');
  await waitForHydration(page);
  await expect(checkout.agreement()).toHaveCount(0);
  expect(await checkout.submit()).not.toEqual(number);
});

test('an existing customer with its existing tenant is filled in and ordered', async ({ page }) => {
  await checkoutWith(page, 'Annual', 'Exchange Online (Plan 1)', 2);

  const checkout = new CheckoutPage(page);
  await checkout.existingCustomer('Contoso Ltd');
  await expect(page.getByLabel('MPN ID')).toHaveValue('1234567');
  await checkout.continue('tenant');
  await expect(page.getByText('contoso.onmicrosoft.com')).toBeVisible();
  await checkout.continue('review');
  await expect(page.getByText('existing tenant')).toBeVisible();
  await checkout.submit();
  await expect(page.locator('.subtitle')).toContainText('Contoso Ltd');
});

test('refusals: a product already ordered, an add-on alone, a tenant without the relationship', async ({ page }) => {
  await freshCart(page);
  const catalog = new CatalogPage(page);
  await catalog.goto();
  await catalog.chooseBilling('Annual');
  // Contoso has Exchange Online (Plan 1) from the previous test.
  await catalog.add('Exchange Online (Plan 1)', 1);
  await catalog.continueToCart();
  await new CartPage(page).proceed();
  const checkout = new CheckoutPage(page);
  await checkout.existingCustomer('Contoso Ltd');
  await checkout.continue('tenant');
  await checkout.continue('review');
  await expect(page.getByRole('alert')).toContainText('Manage Subscription');
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page.getByRole('alert').last()).toContainText('Manage Subscription');
  await expect(page).toHaveURL(/\/cp\/checkout\/review$/);

  // An add-on without its base product.
  const cart = new CartPage(page);
  await cart.clear();
  await catalog.goto();
  await catalog.chooseBilling('Monthly');
  await catalog.add('Microsoft Defender for Office 365 (Plan 1)', 2);
  await page.goto('/cp/checkout/review');
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page.getByRole('alert')).toContainText('is an add-on of');

  // An existing tenant that has not accepted the reseller relationship.
  await page.goto('/cp/checkout/customer');
  await waitForHydration(page);
  await checkout.newCustomer(customer(unique('Fabrikam ')), '1234567');
  await checkout.continue('tenant');
  await checkout.existingTenant('fabrikam.onmicrosoft.com');
  await checkout.continue();
  await expect(checkout.fieldError('domain')).toContainText('20002');
  const link = page.getByLabel('Reseller relationship link', { exact: true });
  await expect(link).toBeVisible();
  const url = await link.inputValue();
  expect(url).toContain('partnerId=');
  await expect(page).toHaveURL(/\/cp\/checkout\/tenant$/);

  // The customer's Global admin accepts; the same tenant then passes.
  const admin = await page.context().newPage();
  await admin.goto(url);
  await admin.getByLabel("Your organisation's initial domain").fill('fabrikam.onmicrosoft.com');
  await admin.getByLabel(/I accept/).check();
  await admin.getByRole('button', { name: 'Accept and authorise' }).click();
  await expect(admin.getByRole('heading', { name: 'Relationship accepted' })).toBeVisible();
  await admin.close();
  await checkout.continue('review');
});

test('provisioning is live: an alert on another page, Log into O365, View Password once', async ({ page }) => {
  const { number, prefix, company } = await orderForNewCustomer(page, {
    product: 'Microsoft Teams Essentials',
    quantity: 2,
    name: 'Lively',
  });
  const order = new OrderPage(page);
  await expect(order.progress()).toBeVisible();

  // Away from the order page, the completion is announced where the partner is.
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Customers' }).click();
  await expect(page).toHaveURL(/\/cp\/customers$/);
  await expect(order.liveAlert(number)).toContainText('provisioned', { timeout: 20_000 });
  await order.liveAlert(number).getByRole('link', { name: 'View order' }).click();
  await expect(page).toHaveURL(new RegExp(`/cp/orders/${number}$`));
  await expect(order.status()).toContainText('Completed');
  await expect(page.getByRole('heading', { name: 'Licences provisioned' })).toBeVisible();
  await expect(order.logIntoO365()).toHaveAttribute('href', new RegExp(`/sandbox/portal\\?domain=${prefix}\\.onmicrosoft\\.com$`));

  await waitForHydration(page);
  await order.viewPasswordButton().click();
  await expect(order.password()).toHaveText(/^\S{12,}$/);
  await expect(page.getByText(`admin@${prefix}.onmicrosoft.com`)).toBeVisible();
  await page.reload();
  await expect(order.viewPasswordButton()).toHaveCount(0);
  await expect(order.password()).toHaveCount(0);
  await expect(page.getByText('already viewed')).toBeVisible();

  const o365 = await order.logIntoO365().getAttribute('href');
  await page.goto(o365 ?? '');
  await expect(page.getByText(`${prefix}.onmicrosoft.com`)).toBeVisible();
  await expect(page.getByRole('row', { name: /CFQ7TTC0RM8K/ })).toBeVisible();

  // The customer is found by its tenant and shows the new subscription.
  await page.goto(`/cp/customers?q=${prefix}`);
  await expect(page.locator('tbody tr')).toHaveCount(1);
  await page.getByRole('link', { name: company }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(company);
  const teams = page.getByRole('listitem').filter({ hasText: 'Microsoft Teams Essentials' });
  await expect(teams.locator('.licence-count')).toHaveText('2');
  await expect(teams).toContainText('Active');
});

test('a partner sets the renewal of several subscriptions at once and reads each result', async ({ page }) => {
  await freshCart(page);
  const { company } = await orderForNewCustomer(page, { product: 'Microsoft 365 Business Basic', quantity: 2, name: 'Bulk' });
  await expect(new OrderPage(page).status()).toContainText('Completed', { timeout: 20_000 });
  await page.goto('/cp/customers');
  await page.getByRole('link', { name: company }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(company);
  await waitForHydration(page);
  const desk = new CustomerDeskPage(page);

  // Nothing selected: the action says what to do and changes nothing.
  await desk.apply('Turn auto-renew off');
  await expect(page.getByRole('alert').filter({ hasText: 'Select at least one item first.' })).toBeVisible();

  await desk.select('Microsoft 365 Business Basic').check();
  await desk.apply('Turn auto-renew off');
  await expect(desk.results()).toContainText('1 done');
  await expect(desk.results().getByRole('listitem')).toHaveText(/Microsoft 365 Business Basic\s+Done/);
  await expect(desk.card('Microsoft 365 Business Basic').locator('[data-test="auto-renew"]')).toHaveText('Off');

  // A licence count the server cannot take (the browser itself keeps counts below one from being
  // sent) is refused at the field, before anything changes.
  await desk.select('Microsoft 365 Business Basic').check();
  await desk.licencesAtRenewal().fill('10001');
  await desk.apply('Schedule for renewal');
  await expect(page.locator('#renewal_quantity-error')).toBeVisible();
  await expect(desk.card('Microsoft 365 Business Basic')).not.toContainText('At renewal');
});

test('a partner of record Partner Center refuses: reason, correction, resubmission, completed', async ({ page }) => {
  // 8000151 passes the MPN check at checkout; Partner Center refuses it when the order is placed.
  await orderForNewCustomer(page, {
    product: 'Microsoft 365 Business Basic',
    quantity: 1,
    name: 'Record',
    mpn: '8000151',
  });
  const order = new OrderPage(page);
  await expect(order.status()).toContainText('Provisioning Failed', { timeout: 20_000 });
  await expect(page.getByRole('alert').filter({ hasText: 'What happened' })).toContainText('800015');
  await expect(page.getByText('Correct the MPN ID')).toBeVisible();
  await waitForHydration(page);

  // The partner's home lists it under "Provisioning failed", with a link to this page and its fix.
  const number = page.url().match(/\/cp\/orders\/(\d+)/)![1];
  const home = await page.context().newPage();
  await home.goto('/cp');
  await waitForHydration(home);
  const failed = home.getByRole('region', { name: /^Provisioning failed/ }).getByRole('link', { name: new RegExp(`^${number} ·`) });
  await expect(failed).toHaveAttribute('href', `/cp/orders/${number}`);
  await expect(failed.locator('xpath=..')).toContainText('Correct the MPN ID');

  await order.resubmit('1234567');
  await expect(order.status()).toContainText('Completed', { timeout: 20_000 });
  // Resolved: it leaves the home's list by itself, without a reload.
  await expect(failed).toHaveCount(0, { timeout: 20_000 });
  await home.close();
  await expect(order.viewPasswordButton()).toBeVisible();
});

test('the customer admin watches an order arrive on a phone: in process, then the licences', async ({ page, browser }) => {
  const { defaultBrowserType: _browser, ...pixel } = devices['Pixel 7'];
  const phone = await browser.newContext(pixel);
  const admin = await phone.newPage();
  await signInAs(admin, demoUsers.customer);
  await admin.goto('/portal/csp');
  await waitForHydration(admin);
  const teams = admin.getByRole('listitem').filter({ hasText: 'Microsoft Teams Essentials' });
  await expect(teams).toHaveCount(0);

  await orderForContoso(page, 'Microsoft Teams Essentials', 5);

  // Without a reload: the subscription appears in process, then with its licences.
  await expect(teams.getByText('in process').first()).toBeVisible({ timeout: 20_000 });
  await expect(teams.getByText('Active')).toBeVisible({ timeout: 20_000 });
  await expect(teams.locator('.licence-count')).toHaveText('5');
  await expect(admin.locator('.live-alerts').getByRole('status')).toContainText('Microsoft CSP shows your licences');
  await phone.close();
});

test.describe('managing licences after the sale', () => {
  test('a customer admin on a phone raises licences, reads why a decrease is refused, cancels; the partner approves with “Open Order”', async ({
    page,
    browser,
  }) => {
    // The partner orders Office 365 E1 for Contoso.
    await orderForContoso(page, 'Office 365 E1', 5);
    await expect(new OrderPage(page).status()).toContainText('Completed', { timeout: 20_000 });

    const { defaultBrowserType: _browser, ...pixel } = devices['Pixel 7'];
    const phone = await browser.newContext(pixel);
    const admin = await phone.newPage();
    await signInAs(admin, demoUsers.customer);
    const csp = new CspPage(admin);
    await csp.goto();
    await expect(csp.card('Office 365 E1').getByText('Renews on')).toBeVisible();
    // The first screen of Microsoft CSP shows the card, and nothing scrolls sideways.
    const sideways = () => admin.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    for (const width of [412, 360]) {
      // Pixel 7's width, then the narrowest phones still sold.
      await admin.setViewportSize({ width, height: 780 });
      await expect(csp.card('Office 365 E1')).toBeInViewport();
      expect(await sideways(), `${width} px`).toBeLessThanOrEqual(0);
    }
    await csp.manage('Office 365 E1');
    await expect(csp.licenceCount()).toHaveText('5');
    await expect(admin.locator('[data-test="removable"]')).toContainText('5 Licences');

    // Raise: a change order of its own, provisioned live.
    await csp.setLicences(8);
    await expect(admin.getByRole('status').filter({ hasText: 'being provisioned as order' })).toBeVisible();
    await expect(csp.licenceCount()).toHaveText('8', { timeout: 20_000 });
    // Settled, live: the page no longer says the change is being provisioned.
    await expect(admin.getByRole('status').filter({ hasText: 'being provisioned as order' })).toHaveCount(0);

    // A week later the seats cannot be removed before the renewal, and the page says why.
    // The clock only moves forward: the tests after this one see the marketplace a week on.
    await clockAhead(page, 169);
    await admin.reload();
    await waitForHydration(admin);
    await expect(csp.noDecrease()).toContainText('only seats added in the last 7 days (168 hours)');
    await csp.setLicences(6);
    await expect(csp.fieldError()).toContainText('Turn auto-renew off, or schedule the lower count for the renewal');
    await expect(csp.licenceCount()).toHaveText('8');
    await expect(admin.getByRole('button', { name: 'Turn auto-renew off' })).toBeVisible();

    // Cancel: the confirmation states there is no refund any more, before anything happens.
    const account = new AccountPage(admin);
    await account.open('Office 365 E1');
    const refund = await account.startCancellation();
    await expect(refund).toContainText('No refund');
    const number = await account.confirmCancellation();
    await expect(admin.locator('.page-header .subtitle')).toContainText('Pending cancellation');
    await phone.close();

    // The partner finds it under Billing → Orders, opens it, "Open Order".
    // The filter is a plain GET form: its address, as the form would submit it, filters on the
    // server's first render (choosing in the select could land before the page's code has loaded).
    await page.goto('/cp/billing/orders?kind=cancellation');
    await waitForHydration(page);
    await expect(page.getByLabel('Kind')).toHaveValue('cancellation');
    const row = page.getByRole('row', { name: new RegExp(number) });
    await expect(row).toContainText('New');
    await expect(page.getByRole('row').filter({ hasText: 'Sales' })).toHaveCount(0);
    await row.getByRole('link', { name: number }).click();
    await waitForHydration(page);
    await page.getByRole('button', { name: 'Open Order' }).click();
    await expect(new OrderPage(page).status()).toContainText('Completed', { timeout: 20_000 });
    await expect(page.locator('[data-test="change-licences"]')).toContainText('8 → Cancelled');
  });

  test('the partner opens Contoso’s portal as Contoso and comes back', async ({ page }) => {
    await signInAs(page, demoUsers.partner);
    await page.goto('/cp/customers/00000000-0000-4000-8000-000000000003');
    await waitForHydration(page);
    await page.getByRole('button', { name: 'Open the customer portal' }).click();
    await expect(page).toHaveURL(/\/portal$/);
    await expect(page.locator('.acting-as')).toContainText('You are in the customer portal as Contoso Ltd');
    await waitForHydration(page);
    await page.getByRole('button', { name: 'Back to Control Panel' }).click();
    await expect(page).toHaveURL(/\/cp\/customers\/00000000-0000-4000-8000-000000000003$/);
    await expect(page.locator('.acting-as')).toHaveCount(0);
  });
});

test('an order over the credit limit waits for credit control, who approves it', async ({ page }) => {
  await checkoutWith(page, 'Annual', 'Microsoft 365 Business Premium', 20);
  const checkout = new CheckoutPage(page);
  await checkout.newCustomer(customer(unique('Bigco ')), '1234567');
  await checkout.continue('tenant');
  await checkout.newTenant(unique('bigco'));
  await expect(checkout.prefixStatus()).toContainText('is available');
  await checkout.continue('review');
  await expect(page.getByText('over your available marketplace credit')).toBeVisible();
  const number = await checkout.submit();
  await expect(page.locator('.subtitle')).toContainText('Awaiting Credit Approval');

  await page.context().clearCookies();
  await signInAs(page, demoUsers.creditControl);
  await page.goto('/backoffice/orders');
  await waitForHydration(page);
  const card = page.getByRole('listitem').filter({ hasText: number });
  await expect(card).toBeVisible();
  await card.getByRole('button', { name: 'Approve' }).click();
  await expect(page.getByRole('listitem').filter({ hasText: number })).toHaveCount(0);
  await expect(page.getByRole('row', { name: new RegExp(number) })).toContainText(/Submitted|Provisioning|Completed/);
});

test.describe('on a phone', () => {
  // The phone project skips this file (one cart), so the phone viewport is set here.
  const { defaultBrowserType: _browser, ...pixel } = devices['Pixel 7'];
  test.use(pixel);

  test('the cart and checkout are usable', async ({ page }) => {
    await freshCart(page);
    const catalog = new CatalogPage(page);
    await catalog.goto();
    await catalog.chooseBilling('Monthly');
    await catalog.add('Microsoft Teams Essentials', 4);
    await catalog.continueToCart();
    const cart = new CartPage(page);
    await expect(cart.total('total')).toHaveText('23.04 USD');
    await cart.proceed();
    const checkout = new CheckoutPage(page);
    await checkout.newCustomer(customer(unique('Phone ')), '1234567');
    await checkout.continue('tenant');
    await checkout.newTenant(unique('phone'));
    await expect(checkout.prefixStatus()).toContainText('is available');
    await checkout.continue('review');
    const submit = page.getByRole('button', { name: 'Submit' });
    const box = await submit.boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(0);
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(page.viewportSize()!.width);
    await checkout.submit();
  });
});

test('credit control bills the month and records the payment; the partner sees the statement and sets its prices', async ({
  page,
}) => {
  const month = new Date().toISOString().slice(0, 7);
  // As the statements name it in English: "Dec 2026".
  const shown = new Date().toLocaleDateString('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });
  await signInAs(page, demoUsers.creditControl);
  await page.goto('/backoffice/statements');
  await waitForHydration(page);
  await page.getByLabel('Month').fill(month);
  await page.getByRole('button', { name: 'Run billing' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Statements issued' })).toBeVisible();
  const row = page.getByRole('row').filter({ hasText: shown }).first();
  await expect(row.locator('.badge')).toHaveText('Unpaid');
  const number = (await row.getByRole('link').innerText()).trim();

  await row.getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(shown);
  await expect(page.getByText('KDV', { exact: false }).first()).toBeVisible();
  const csv = await page.request.get(`/backoffice/statements/${number}/csv`);
  expect(csv.ok()).toBeTruthy();
  expect(await csv.text()).toContain(',total,');

  await page.goto('/backoffice/statements');
  await waitForHydration(page);
  const unpaid = page.getByRole('row').filter({ hasText: number });
  await unpaid.getByLabel('Transfer reference').fill('EFT-1');
  await unpaid.getByRole('button', { name: 'Mark paid' }).click();
  await expect(page.getByRole('row').filter({ hasText: number }).locator('.badge')).toHaveText('Paid');

  await page.context().clearCookies();
  await signInAs(page, demoUsers.partner);
  await page.goto('/cp/billing');
  await expect(page.getByRole('heading', { name: 'Credit usage' })).toBeVisible();
  await expect(page.getByRole('group', { name: /Monthly spend/ })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: number }).locator('.badge')).toHaveText('Paid');

  await page.goto('/cp/billing/prices');
  await waitForHydration(page);
  const basic = page.getByRole('row').filter({ hasText: 'CFQ7TTC0LH18' });
  await expect(page.getByRole('columnheader', { name: 'Annual, billed monthly' })).toBeVisible();
  await expect(basic.locator('[data-test="annual-monthly"]')).toHaveText('6.30 USD');
  await basic.getByLabel('Markup Microsoft 365 Business Basic').fill('20');
  await basic.getByRole('button', { name: 'Save' }).click();
  await expect(basic.locator('[data-test="retail"]')).toHaveText('8.64 USD');
});

test('the billing option chosen in the catalog follows to a product page and back', async ({ page }) => {
  await freshCart(page);
  const catalog = new CatalogPage(page);
  await catalog.goto();
  await catalog.chooseBilling('Monthly');
  await page.getByRole('link', { name: 'Microsoft 365 Business Standard', exact: true }).click();
  await expect(page).toHaveURL(/\/cp\/catalog\/CFQ7TTC0LDPB\?cycle=monthly$/);
  await waitForHydration(page);
  await expect(page.getByText('Choose a billing option first')).toHaveCount(0);
  await catalog.add('Microsoft 365 Business Standard', 2);
  await page.locator('.breadcrumb').getByRole('link', { name: 'Cloud Services' }).click();
  await expect(page).toHaveURL(/\/cp\/catalog\?cycle=monthly$/);
  await catalog.continueToCart();
  const line = page.getByRole('row', { name: /Microsoft 365 Business Standard/ });
  await expect(line).toContainText('Monthly');
  await expect(new CartPage(page).quantity('Microsoft 365 Business Standard')).toHaveValue('2');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the cart shows and updates its quantities, and an “Existing Customer” is ordered with no typing', async ({
    page,
  }) => {
    const login = new LoginPage(page);
    await login.goto('/cp/cart');
    await login.signIn(demoUsers.partner.email);
    await expect(page).toHaveURL(/\/cp\/cart$/);
    const remove = page.getByRole('button', { name: /^Remove · / });
    while ((await remove.count()) > 0) {
      const before = await remove.count();
      await remove.first().click();
      await expect(remove).toHaveCount(before - 1);
    }

    // A product for Contoso that no other test orders for it.
    await page.goto('/cp/catalog?cycle=monthly');
    await page.getByRole('button', { name: 'Add to cart · Office 365 E3' }).click();
    await expect(page).toHaveURL(/\/cp\/catalog\?cycle=monthly/);
    await page.goto('/cp/cart');
    const cart = new CartPage(page);
    await expect(cart.quantity('Office 365 E3')).toHaveValue('1');
    // "Update" on an untouched line keeps it; a new count is saved.
    await page.getByRole('row', { name: /Office 365 E3/ }).getByRole('button', { name: 'Update' }).click();
    await expect(page.locator('.field-error, .alert-error')).toHaveCount(0);
    await expect(cart.quantity('Office 365 E3')).toHaveValue('1');
    await cart.quantity('Office 365 E3').fill('3');
    await page.getByRole('row', { name: /Office 365 E3/ }).getByRole('button', { name: 'Update' }).click();
    await expect(cart.quantity('Office 365 E3')).toHaveValue('3');
    await expect(cart.total('subtotal')).toHaveText('82.80 USD');

    await page.getByRole('link', { name: 'Proceed to Check Out' }).click();
    await expect(page).toHaveURL(/\/cp\/checkout\/customer$/);
    const checkout = new CheckoutPage(page);
    // Refused (no customer picked): the page comes back with “Existing Customer” still chosen.
    await page.getByRole('radio', { name: 'Existing Customer' }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(checkout.fieldError('customer_id')).toContainText('Choose the customer from the list');
    await expect(page.getByRole('radio', { name: 'Existing Customer' })).toBeChecked();
    await expect(page.getByLabel('MPN ID')).toHaveValue('1234567');

    await checkout.existingCustomer('Contoso Ltd');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page).toHaveURL(/\/cp\/checkout\/tenant$/);
    await expect(page.getByText('contoso.onmicrosoft.com')).toBeVisible();
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page).toHaveURL(/\/cp\/checkout\/review$/);
    await expect(page.getByRole('row', { name: /Office 365 E3/ })).toContainText('3');
    await checkout.submit();
    await expect(page.locator('.subtitle')).toContainText('Contoso Ltd');
  });
});

/** The page is no wider than the phone: nothing to scroll sideways, nothing zoomed out. */
async function expectFits(page: Page, width: number) {
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scrollWidth, `${page.url()} is ${scrollWidth} px wide on a ${width} px phone`).toBeLessThanOrEqual(width);
}

/** axe finds nothing serious or critical on the page, and the headings go down one level at a time. */
async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical' || v.id === 'heading-order')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad, page.url()).toEqual([]);
}

for (const width of [360, 412]) {
  test(`on a ${width} px phone the Control Panel's ordering pages and the portal fit and pass axe`, async ({
    browser,
  }) => {
    // Six pages, each analysed by axe, and an order placed: more than one page's 30 s on a busy
    // 2-core machine.
    test.slow();
    const { defaultBrowserType: _browser, ...pixel } = devices['Pixel 7'];
    const phone = await browser.newContext({ ...pixel, viewport: { width, height: 860 } });
    const page = await phone.newPage();
    await freshCart(page);
    const catalog = new CatalogPage(page);
    await catalog.goto();
    await catalog.chooseBilling('Monthly');
    await catalog.add('Microsoft 365 Business Basic', 2);
    await expectFits(page, width);
    await expectAccessible(page);

    await catalog.continueToCart();
    await expectFits(page, width);
    await expectAccessible(page);
    const proceed = page.getByRole('link', { name: 'Proceed to Check Out' });
    const box = await proceed.boundingBox();
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(width);

    await new CartPage(page).proceed();
    const checkout = new CheckoutPage(page);
    for (const step of ['customer', 'tenant', 'review'] as const) {
      await expectFits(page, width);
      await expectAccessible(page);
      if (step === 'customer') {
        await checkout.newCustomer(customer(unique('Narrow ')), '1234567');
        await checkout.continue('tenant');
      } else if (step === 'tenant') {
        await checkout.newTenant(unique('narrow'));
        await expect(checkout.prefixStatus()).toContainText('is available');
        await checkout.continue('review');
      }
    }
    await checkout.submit();
    await waitForHydration(page);
    await expectFits(page, width);
    await expectAccessible(page);
    await phone.close();

    const portal = await browser.newContext({ ...pixel, viewport: { width, height: 860 } });
    const admin = await portal.newPage();
    await signInAs(admin, demoUsers.customer);
    const csp = new CspPage(admin);
    await csp.goto();
    await expectFits(admin, width);
    await expectAccessible(admin);
    await portal.close();
  });
}

test.describe('in Turkish', () => {
  /** The next pages render in Turkish, as the language switch would make them. */
  async function inTurkish(page: Page) {
    await page.context().addCookies([{ name: 'cm_lang', value: 'tr', url: new URL('/', page.url()).href }]);
  }

  test('a Turkish partner reads every checkout refusal in Turkish', async ({ page }) => {
    await checkoutWith(page, 'Monthly', 'Microsoft 365 Business Basic', 2);
    await inTurkish(page);
    await page.goto('/cp/checkout/customer');
    await waitForHydration(page);
    const company = unique('Anadolu ');
    await page.getByRole('radio', { name: 'Yeni Müşteri' }).check();
    await page.getByLabel('Firma adı').fill(company);
    await page.getByLabel('Vergi numarası').fill('12');
    await page.getByLabel('Adres', { exact: true }).fill('Kadıköy, İstanbul');
    await page.getByLabel('Telefon', { exact: true }).fill('0216 555 01 02');
    await page.getByLabel('Yetkili adı soyadı').fill('Zeynep Kaya');
    await page.getByLabel('Yetkili e-posta adresi').fill('it@microsoft.com');
    await page.getByLabel('MPN ID').fill('8000150');
    await page.getByRole('button', { name: 'Devam' }).click();
    const error = (field: string) => page.locator(`#${field}-error`);
    await expect(error('tax_number')).toHaveText('Vergi numarası 10 hanelidir (şahıs şirketlerinde 11: T.C. kimlik numarası).');
    await expect(error('contact_email')).toContainText('Müşterinin kendi e-posta adresini kullanın');

    await page.getByLabel('Vergi numarası').fill('1234567890');
    await page.getByLabel('Yetkili e-posta adresi').fill(customer(company).contactEmail);
    await page.getByRole('button', { name: 'Devam' }).click();
    // Partner Center's refusal of the MPN ID, with its code and what to do, in Turkish.
    await expect(error('mpn_id')).toContainText('Partner Center bu MPN ID\'yi tanımıyor (800015)');
    await expect(error('mpn_id')).not.toContainText('does not know');

    await page.getByLabel('MPN ID').fill('1234567');
    await page.getByRole('button', { name: 'Devam' }).click();
    await expect(page).toHaveURL(/\/cp\/checkout\/tenant$/);
    await waitForHydration(page);
    await page.getByRole('radio', { name: 'Müşterim için yeni bir Microsoft Tenant\'ı gerekiyor' }).check();
    await page.getByLabel('Yeni tenant için etki alanı ön eki').fill('contoso');
    await expect(page.locator('#prefix-status')).toHaveText('contoso.onmicrosoft.com alınmış.');
    await page.getByLabel('Yeni tenant için etki alanı ön eki').fill('acme-ltd');
    await expect(page.locator('#prefix-status')).toContainText('Yalnızca harf (a–z) ve rakam kullanın');
    await page.getByLabel('Yeni tenant için etki alanı ön eki').fill('contoso');
    await page.getByRole('button', { name: 'Devam' }).click();
    await expect(error('prefix')).toContainText('contoso.onmicrosoft.com alınmış. Başka bir önek seçin');
    await expect(error('prefix')).not.toContainText('already taken');
  });

  test('a failed provisioning reads its reason and fix in Turkish, and in English after switching back', async ({ page }) => {
    await orderForNewCustomer(page, { product: 'Microsoft 365 Business Basic', quantity: 1, name: 'Kayit', mpn: '8000151' });
    const order = new OrderPage(page);
    await expect(order.status()).toContainText('Provisioning Failed', { timeout: 20_000 });
    await waitForHydration(page);
    const shell = new Shell(page);
    const failure = page.locator('section.failure');

    await shell.switchLanguage('TR');
    await expect(failure).toContainText('Ne oldu');
    await expect(failure).toContainText('Partner Center bu MPN ID\'yi tanımıyor (800015)');
    await expect(failure).toContainText('Bu siparişteki MPN ID\'yi düzeltin');
    await expect(failure).not.toContainText('Correct the MPN ID');

    await shell.switchLanguage('EN');
    await expect(failure).toContainText('Partner Center does not know this MPN ID (800015)');
    await expect(failure).toContainText('Correct the MPN ID on this order');
  });
});

// Issue #19: the third billing option, priced by Microsoft's rule for an annual term paid monthly.
test('"Annual, billed monthly" is offered in the catalog and carried into the cart at its price', async ({ page }) => {
  await freshCart(page);
  const catalog = new CatalogPage(page);
  await catalog.goto();

  // A column of its own: 1.05 × 72.00 ÷ 12 = 6.30 per licence per month for Business Basic.
  await expect(page.getByRole('columnheader', { name: 'Annual, billed monthly', exact: true })).toBeVisible();
  await expect(await catalog.priceIn('Microsoft 365 Business Basic', 'Annual')).toHaveText('72.00 USD');
  await expect(await catalog.priceIn('Microsoft 365 Business Basic', 'Annual, billed monthly')).toHaveText('6.30 USD');

  await catalog.chooseBilling('Annual, billed monthly');
  await catalog.add('Microsoft 365 Business Basic', 3);
  await catalog.continueToCart();
  const cart = new CartPage(page);
  const line = cart.line('Microsoft 365 Business Basic');
  await expect(line).toContainText('Annual, billed monthly');
  await expect(line.getByRole('cell').nth(1)).toHaveText('6.30 USD');
  // The cart totals the first month: 3 × 6.30.
  await expect(cart.total('subtotal')).toContainText('18.90');
  await cart.clear();
});
