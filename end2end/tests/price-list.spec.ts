import { expect, test } from '@playwright/test';
import { demoUsers, LoginPage, signInAs, waitForHydration } from './pages/app';

// The back office is a desktop surface. These tests only preview: applying a price list would
// change the prices the checkout tests running beside them expect.
test.skip(({ isMobile }) => isMobile, 'the back office is used on a desktop');

const basicAnnual = 'CFQ7TTC0LH18,annual,80.00,USD,2030-01-01';

test.describe('with JavaScript', () => {
  test('credit control chooses a CSV file and previews it; a file too large is refused at the field', async ({ page }) => {
    await signInAs(page, demoUsers.creditControl);
    await page.goto('/backoffice/price-list');
    await waitForHydration(page);

    const file = page.getByLabel('Or take the prices from a CSV file');
    // A spreadsheet's export: a byte order mark, a header line.
    await file.setInputFiles({
      name: 'prices.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`\ufeffsku,billing_cycle,unit_price,currency,effective_from\n${basicAnnual}\n`),
    });
    await expect(page.getByRole('textbox', { name: 'Prices (CSV)' })).toHaveValue(
      `sku,billing_cycle,unit_price,currency,effective_from\n${basicAnnual}\n`,
    );
    await page.getByRole('button', { name: 'Preview' }).click();

    const preview = page.getByRole('table');
    await expect(preview.getByRole('row').filter({ hasText: '80.00 USD' })).toContainText('CFQ7TTC0LH18');
    // The annual price brings its "Annual, billed monthly" by the rule: 1.05 × 80.00 ÷ 12.
    await expect(preview.getByRole('row').filter({ hasText: 'Annual, billed monthly' })).toContainText('7.00 USD');
    await expect(page.getByRole('button', { name: 'Apply the price list' })).toBeVisible();

    await file.setInputFiles({ name: 'huge.csv', mimeType: 'text/csv', buffer: Buffer.alloc(200_001, 'a') });
    await expect(page.getByRole('alert').filter({ hasText: 'The file is over 200 KB' })).toBeVisible();
  });
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the CSV is pasted: no file picker is offered, and the preview is a plain form', async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto('/backoffice/price-list');
    await login.signIn(demoUsers.creditControl.email);
    await expect(page).toHaveURL(/\/backoffice\/price-list$/);
    await expect(page.getByLabel('Or take the prices from a CSV file')).toHaveCount(0);
    await page.getByRole('textbox', { name: 'Prices (CSV)' }).fill(basicAnnual);
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect(page.getByRole('row').filter({ hasText: 'Annual, billed monthly' })).toContainText('7.00 USD');
  });
});
