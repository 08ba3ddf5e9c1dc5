import { expect, type Locator, type Page } from '@playwright/test';
import { waitForHydration } from './app';

/** The catalog's billing options, as labelled, with their `?cycle=` codes. */
export type BillingOption = 'Monthly' | 'Annual' | 'Annual, billed monthly';
const billingCodes: Record<BillingOption, string> = {
  Monthly: 'monthly',
  Annual: 'annual',
  'Annual, billed monthly': 'annual_monthly',
};

/** "Cloud Services": billing option first, then products into the cart. */
export class CatalogPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto('/cp/catalog');
    await waitForHydration(this.page);
  }

  async chooseBilling(option: BillingOption) {
    // Exact: "Annual" is also the start of "Annual, billed monthly".
    await this.page
      .getByRole('navigation', { name: 'Billing option' })
      .getByRole('link', { name: option, exact: true })
      .click();
    await expect(this.page).toHaveURL(new RegExp(`cycle=${billingCodes[option]}(&|$)`));
  }

  /** A product's row in the catalog table. */
  row(product: string): Locator {
    return this.page.getByRole('row').filter({ has: this.page.getByRole('link', { name: product, exact: true }) });
  }

  /** The price a row shows under a billing option's column. */
  async priceIn(product: string, option: BillingOption): Promise<Locator> {
    const headers = this.page.getByRole('columnheader');
    const names = await headers.allInnerTexts();
    const column = names.findIndex((name) => name.trim() === option);
    expect(column, `a "${option}" column`).toBeGreaterThan(0);
    return this.row(product).getByRole('cell').nth(column - 1);
  }

  async add(product: string, quantity: number) {
    await this.page.getByLabel(`Quantity · ${product}`).first().fill(String(quantity));
    await this.page.getByRole('button', { name: `Add to cart · ${product}` }).first().click();
    await expect(this.page.getByRole('status').filter({ hasText: 'Added to the cart.' })).toBeVisible();
  }

  offeredAddOns(): Locator {
    return this.page.getByRole('region', { name: 'Add-ons for the products in your cart' });
  }

  async continueToCart() {
    await this.page.getByRole('link', { name: /^Continue/ }).click();
    await expect(this.page).toHaveURL(/\/cp\/cart$/);
    await waitForHydration(this.page);
  }
}

export class CartPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto('/cp/cart');
    await waitForHydration(this.page);
  }

  /** Empties the cart so a test starts from nothing. */
  async clear() {
    await this.goto();
    const remove = this.page.getByRole('button', { name: /^Remove · / });
    while ((await remove.count()) > 0) {
      const before = await remove.count();
      await remove.first().click();
      await expect(remove).toHaveCount(before - 1);
    }
  }

  quantity(product: string): Locator {
    return this.page.getByLabel(`Quantity · ${product}`);
  }

  /** A product's line in the cart. */
  line(product: string): Locator {
    return this.page.getByRole('row', { name: new RegExp(product) });
  }

  total(which: 'subtotal' | 'vat' | 'total'): Locator {
    return this.page.locator(`dd[data-total="${which}"]`);
  }

  async proceed() {
    await this.page.getByRole('link', { name: 'Proceed to Check Out' }).click();
    await expect(this.page).toHaveURL(/\/cp\/checkout\/customer$/);
    await waitForHydration(this.page);
  }
}

export type NewCustomer = {
  company: string;
  taxNumber: string;
  address: string;
  phone: string;
  contactName: string;
  contactEmail: string;
};

/** Who signs the Microsoft Customer Agreement for the customer (enhanced attestation). */
export type Signatory = {
  firstName: string;
  lastName: string;
  email: string;
  company?: string;
};

export const signatory: Signatory = { firstName: 'Ayşe', lastName: 'Yılmaz', email: 'ayse@signatory.example' };

/** The three checkout steps. */
export class CheckoutPage {
  constructor(private readonly page: Page) {}

  /** The review step's Microsoft Customer Agreement, shown while the customer has not accepted it. */
  agreement(): Locator {
    return this.page.getByRole('group', { name: 'Microsoft Customer Agreement' });
  }

  agreementLink(): Locator {
    return this.agreement().getByRole('link', { name: 'Read the Microsoft Customer Agreement' });
  }

  async fillSignatory(who: Signatory) {
    const agreement = this.agreement();
    await agreement.getByLabel("Signatory's first name").fill(who.firstName);
    await agreement.getByLabel("Signatory's last name").fill(who.lastName);
    await agreement.getByLabel("Signatory's e-mail").fill(who.email);
    if (who.company) {
      await agreement.getByLabel("Signatory's company").fill(who.company);
    }
    await agreement.getByLabel('The signatory has read and accepted the Microsoft Customer Agreement').check();
  }

  fieldError(field: string): Locator {
    return this.page.locator(`#${field}-error`);
  }

  async newCustomer(customer: NewCustomer, mpn: string) {
    await this.page.getByRole('radio', { name: 'New Customer' }).check();
    await this.page.getByLabel('Company name').fill(customer.company);
    await this.page.getByLabel('Tax number').fill(customer.taxNumber);
    await this.page.getByLabel('Address').fill(customer.address);
    await this.page.getByLabel('Phone', { exact: true }).fill(customer.phone);
    await this.page.getByLabel('Contact name').fill(customer.contactName);
    await this.page.getByLabel('Contact e-mail').fill(customer.contactEmail);
    await this.page.getByLabel('MPN ID').fill(mpn);
  }

  async existingCustomer(name: string) {
    await this.page.getByRole('radio', { name: 'Existing Customer' }).check();
    const select = this.page.getByRole('combobox', { name: 'Existing Customer' });
    const value = await select.locator('option', { hasText: name }).getAttribute('value');
    await select.selectOption(value ?? '');
  }

  async continue(nextStep?: 'tenant' | 'review') {
    await this.page.getByRole('button', { name: 'Continue' }).click();
    if (nextStep) {
      await expect(this.page).toHaveURL(new RegExp(`/cp/checkout/${nextStep}$`));
      await waitForHydration(this.page);
    }
  }

  async newTenant(prefix: string) {
    await this.page.getByRole('radio', { name: 'My customer requires a New Microsoft Customer Tenant' }).check();
    await this.page.getByLabel('Domain prefix for the new tenant').fill(prefix);
  }

  async existingTenant(domain: string) {
    await this.page.getByRole('radio', { name: 'Customer has an existing Microsoft Tenant' }).check();
    await this.page.getByLabel('Initial domain (*.onmicrosoft.com)').fill(domain);
  }

  prefixStatus(): Locator {
    return this.page.locator('#prefix-status');
  }

  /**
   * "Wire Transfer", "Submit", then the order page; returns the order number. A customer that has
   * not accepted the Microsoft Customer Agreement gets `who` as its signatory first.
   */
  async submit(who: Signatory = signatory): Promise<string> {
    await expect(this.page.getByRole('radio', { name: 'Wire Transfer' })).toBeChecked();
    if ((await this.agreement().count()) > 0) {
      await this.fillSignatory(who);
    }
    await this.page.getByRole('button', { name: 'Submit' }).click();
    await expect(this.page).toHaveURL(/\/cp\/orders\/\d+$/);
    const number = (await this.page.locator('h1.order-number').textContent())?.trim() ?? '';
    expect(number).toMatch(/^\d+$/);
    return number;
  }
}

/** An order's page while it provisions and after. */
export class OrderPage {
  constructor(private readonly page: Page) {}

  status(): Locator {
    return this.page.locator('.subtitle');
  }

  progress(): Locator {
    return this.page.getByRole('region', { name: 'Provisioning progress' });
  }

  /** The announcement of an order completing or failing, shown on whatever page the user is. */
  liveAlert(number: string): Locator {
    return this.page.locator('.live-alerts').getByRole('status').filter({ hasText: number });
  }

  logIntoO365(): Locator {
    return this.page.getByRole('link', { name: 'Log into O365' });
  }

  viewPasswordButton(): Locator {
    return this.page.getByRole('button', { name: 'View Password' });
  }

  password(): Locator {
    return this.page.locator('code.password');
  }

  async resubmit(mpn: string) {
    await this.page.getByLabel('MPN ID').fill(mpn);
    await this.page.getByRole('button', { name: 'Resubmit for Provisioning' }).click();
  }
}
