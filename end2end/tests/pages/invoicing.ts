import { expect, type Locator, type Page } from '@playwright/test';
import { waitForHydration } from './app';

/** An invoice's page: the document written on the server, its XML, its status. */
export class InvoicePage {
  constructor(private readonly page: Page) {}

  async shows(number: string) {
    await expect(this.page.getByRole('heading', { level: 1 })).toContainText(number);
    await waitForHydration(this.page);
  }

  document(): Locator {
    return this.page.locator('article.invoice-doc');
  }

  /** A total of the document: `subtotal`, `vat`, `total`, and each with `-try`. */
  total(which: string): Locator {
    return this.document().locator(`[data-test="${which}"]`);
  }

  rate(): Locator {
    return this.document().locator('[data-test="rate"]');
  }

  /** Follows the page's XML link (as a download) and checks it is the archived UBL-TR document. */
  async downloadsXml(number: string, profile: string) {
    const link = this.page.getByRole('link', { name: /Download XML|XML indir/ });
    const href = await link.getAttribute('href');
    expect(href).toMatch(new RegExp(`/invoices/${number}/xml$`));
    const response = await this.page.request.get(href!);
    expect(response.ok()).toBeTruthy();
    expect(response.headers()['content-disposition']).toContain(`${number}.xml`);
    const xml = await response.text();
    expect(xml).toContain(`<cbc:ID>${number}</cbc:ID>`);
    expect(xml).toContain(`<cbc:ProfileID>${profile}</cbc:ProfileID>`);
    expect(xml).toContain('<cbc:CustomizationID>TR1.2</cbc:CustomizationID>');
    expect(xml).toMatch(/<cbc:CalculationRate>\d+\.\d{4,6}<\/cbc:CalculationRate>/);
  }
}
