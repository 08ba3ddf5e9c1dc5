import { expect, type Locator, type Page } from '@playwright/test';
import { waitForHydration } from './app';

/** The customer portal's "Microsoft CSP" list and "Manage Subscription". */
export class CspPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto('/portal/csp');
    await waitForHydration(this.page);
  }

  card(product: string): Locator {
    return this.page.getByRole('listitem').filter({ has: this.page.getByRole('heading', { name: product }) });
  }

  async manage(product: string) {
    await this.card(product).getByRole('link', { name: 'Manage Subscription' }).click();
    await expect(this.page.getByRole('heading', { name: 'Manage Subscription', level: 1 })).toBeVisible();
    await waitForHydration(this.page);
  }

  licenceCount(): Locator {
    return this.page.locator('[data-test="licence-count"]');
  }

  async setLicences(count: number) {
    await this.page.getByLabel('Licences', { exact: true }).fill(String(count));
    await this.page.getByRole('button', { name: 'Update licences' }).click();
  }

  fieldError(): Locator {
    return this.page.locator('#quantity-error');
  }

  noDecrease(): Locator {
    return this.page.locator('[data-test="no-decrease"]');
  }
}

/** Account → Subscriptions → one subscription → "Cancel Subscription". */
export class AccountPage {
  constructor(private readonly page: Page) {}

  async open(product: string) {
    await this.page.goto('/portal/account');
    await waitForHydration(this.page);
    await this.page.getByRole('region', { name: 'Subscriptions' }).getByRole('link', { name: product }).click();
    await expect(this.page.getByRole('heading', { name: product, level: 1 })).toBeVisible();
    await waitForHydration(this.page);
  }

  /** Opens the confirmation and returns what it says about the refund. */
  async startCancellation(): Promise<Locator> {
    await this.page.getByText('Cancel Subscription', { exact: true }).click();
    return this.page.locator('[data-test="refund"]');
  }

  async confirmCancellation(): Promise<string> {
    await this.page.getByRole('button', { name: 'Confirm cancellation' }).click();
    const placed = this.page.getByRole('status').filter({ hasText: 'went to your partner as order' });
    await expect(placed).toBeVisible();
    return (await placed.locator('strong').innerText()).trim();
  }
}

/**
 * Moves the marketplace's clock (the sandbox's) forward, so the 168-hour and 7-day windows can
 * pass. It never moves back; the sandbox token of playwright.config.ts authorises the move.
 */
export async function clockAhead(page: Page, hours: number) {
  const response = await page.request.put('/sandbox/clock', {
    data: { offset_hours: hours },
    headers: { Authorization: `Bearer ${process.env.CLOUDMARKET_SANDBOX_TOKEN ?? ''}` },
  });
  expect(response.ok()).toBeTruthy();
}

/** A customer's page in the Control Panel: its subscriptions, selectable for bulk renewal settings. */
export class CustomerDeskPage {
  constructor(private readonly page: Page) {}

  select(product: string): Locator {
    return this.page.getByRole('checkbox', { name: `Select ${product}` });
  }

  async apply(action: 'Turn auto-renew on' | 'Turn auto-renew off' | 'Schedule for renewal') {
    await this.page.getByRole('group', { name: 'With the selected' }).getByRole('button', { name: action }).click();
  }

  licencesAtRenewal(): Locator {
    return this.page.getByLabel('Licences at renewal');
  }

  results(): Locator {
    return this.page.locator('.bulk-results');
  }

  card(product: string): Locator {
    return this.page.locator('li.subscription').filter({ hasText: product });
  }
}

/** "Delegated admin (GDAP)" on a customer's page in the Control Panel. */
export class GdapBox {
  constructor(private readonly page: Page) {}

  region(): Locator {
    return this.page.getByRole('region', { name: 'Delegated admin (GDAP)' });
  }

  status(): Locator {
    return this.region().locator('[data-test="gdap-status"]');
  }

  async request(days: string, autoExtend: boolean) {
    await this.region().getByLabel('Duration (days)').fill(days);
    await this.region().getByLabel('Auto-extend by 180 days').setChecked(autoExtend);
    await this.region().getByRole('button', { name: 'Request GDAP relationship' }).click();
  }

  async approvalLink(): Promise<string> {
    return (await this.region().getByRole('link', { name: /\/sandbox\/gdap\// }).getAttribute('href'))!;
  }

  async checkStatus() {
    await this.region().getByRole('button', { name: 'Check status' }).click();
  }
}
