import { expect, type Locator, type Page } from '@playwright/test';

/** The top bar's search box and the grouped results page it leads to. */
export class GlobalSearch {
  readonly box: Locator;
  readonly resultsBox: Locator;

  constructor(private readonly page: Page) {
    this.box = page.getByRole('search').getByRole('searchbox', { name: 'Search' }).first();
    this.resultsBox = page.locator('#search-q');
  }

  /** A group of results (Customers, Orders, Subscriptions, Partners) by its heading. */
  group(name: string): Locator {
    return this.page.getByRole('region', { name });
  }

  result(group: string, name: string | RegExp): Locator {
    return this.group(group).getByRole('link', { name });
  }

  /** Types the query into the top bar's box and submits it, as a keyboard user would. */
  async searchFromTopBar(query: string) {
    await this.page.keyboard.press('/');
    await expect(this.page.locator('#global-search')).toBeFocused();
    await this.page.keyboard.type(query);
    await this.page.keyboard.press('Enter');
    await expect(this.page).toHaveURL(/\/search\?q=/);
  }
}
