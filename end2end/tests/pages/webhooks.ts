import { expect, type Locator, type Page } from '@playwright/test';
import { waitForHydration } from './app';

/** Control Panel → Settings → Webhooks, and one endpoint's page (issue #17). */
export class WebhooksPage {
  constructor(
    private readonly page: Page,
    private readonly javaScript: boolean,
  ) {}

  private async ready() {
    if (this.javaScript) {
      await waitForHydration(this.page);
    }
  }

  async goto() {
    await this.page.goto('/cp/settings/webhooks');
    await expect(this.page.getByRole('heading', { level: 1, name: 'Webhooks' })).toBeVisible();
    await this.ready();
  }

  /** The sandbox's stand-in receiver on this server, tagged so parallel runs tell theirs apart. */
  receiverUrl(tag: string): string {
    return `${new URL(this.page.url()).origin}/sandbox/webhook-receiver?run=${tag}`;
  }

  async add(url: string, description: string) {
    await this.page.getByLabel('Endpoint URL').fill(url);
    await this.page.getByLabel('Description').fill(description);
    await this.page.getByRole('button', { name: 'Add endpoint' }).click();
  }

  /** The secret shown once on the endpoint's page after it was made or rotated. */
  secret(): Locator {
    return this.page.getByRole('textbox', { name: 'Signing secret' });
  }

  fieldError(field: string): Locator {
    return this.page.locator(`#${field}-error`);
  }

  async reload() {
    await this.page.reload();
    await this.ready();
  }

  async sendTestEvent() {
    await this.page.getByRole('button', { name: 'Send test event' }).click();
  }

  /** A row of the delivery log for an event type, in a status ("Succeeded", "Pending", "Failed"). */
  delivery(eventType: string, status: string): Locator {
    return this.page.locator(`tr[data-status="${status}"]`).filter({ hasText: eventType });
  }

  /** Waits for a delivery to show as delivered: the page refreshes itself with JavaScript, and is
   * reloaded by hand without it. */
  async expectDelivered(eventType: string) {
    const row = this.delivery(eventType, 'Succeeded');
    if (this.javaScript) {
      await expect(row).toBeVisible({ timeout: 20_000 });
    } else {
      await expect(async () => {
        await this.page.reload();
        await expect(row).toBeVisible({ timeout: 1_000 });
      }).toPass({ timeout: 20_000 });
    }
    await expect(row).toContainText('Delivered');
    await expect(row).toContainText('200');
  }

  async delete(confirm: boolean) {
    if (confirm) {
      await this.page.getByLabel(/Yes, delete this endpoint/).check();
    }
    await this.page.getByRole('button', { name: 'Delete endpoint' }).click();
  }
}
