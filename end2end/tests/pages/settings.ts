import { expect, type Locator, type Page } from '@playwright/test';

/** Control Panel → Settings → API keys. */
export class ApiKeysPage {
  readonly name: Locator;
  readonly create: Locator;
  readonly token: Locator;

  constructor(private readonly page: Page) {
    this.name = page.getByLabel('Name', { exact: true });
    this.create = page.getByRole('button', { name: 'Create key' });
    this.token = page.locator('[data-test="api-key-token"]');
  }

  async goto() {
    await this.page.goto('/cp/settings/api-keys');
  }

  scope(label: 'Read' | 'Orders' | 'Subscriptions' | 'Billing'): Locator {
    return this.page.getByRole('checkbox', { name: new RegExp(`^${label}`) });
  }

  /** A key's row in the list, by its name. */
  row(name: string): Locator {
    return this.page.getByRole('row').filter({ has: this.page.getByRole('rowheader', { name, exact: true }) });
  }

  /** Makes a key and returns its token, as the page shows it once. */
  async createKey(name: string, scopes: Array<'Orders' | 'Subscriptions' | 'Billing'> = []): Promise<string> {
    await this.name.fill(name);
    for (const scope of scopes) {
      await this.scope(scope).check();
    }
    await this.create.click();
    await expect(this.token).toBeVisible();
    const token = (await this.token.textContent()) ?? '';
    expect(token).toMatch(/^cmk_[0-9a-f]{64}$/);
    return token;
  }

  /** Revokes a key, confirming first. */
  async revoke(name: string) {
    const row = this.row(name);
    // The disclosure's summary reads "Revoke <the key's name>" to a screen reader, and shows "Revoke".
    await row.locator('summary', { hasText: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Revoke the key' }).click();
    // Exactly the status badge: the confirmation's own text ("a revoked key cannot…") would match
    // a substring as soon as the disclosure opens, before the revocation is done.
    await expect(row.getByText('Revoked', { exact: true })).toBeVisible();
  }
}
