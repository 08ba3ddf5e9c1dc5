import { expect, test, type Page } from '@playwright/test';
import { demoUsers, signInAs } from './pages/app';

// How pages sit on a phone: the Pixel 7 project, and the narrowest phones still sold (360 px).
test.skip(({ isMobile }) => !isMobile, 'phone layouts');

/** Nothing on the page is wider than the screen: no sideways scrolling. */
async function expectNoSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, 'the page scrolls sideways').toBeLessThanOrEqual(0);
}

for (const width of [412, 360]) {
  test(`the partner home and the customer portal fit a ${width} px screen`, async ({ page, browser }) => {
    await page.setViewportSize({ width, height: 780 });
    await signInAs(page, demoUsers.partner);
    await expectNoSidewaysScroll(page);
    // The search box is there, under the header.
    await expect(page.locator('#global-search')).toBeVisible();

    const context = await browser.newContext({ viewport: { width, height: 780 }, isMobile: true, hasTouch: true });
    const admin = await context.newPage();
    await signInAs(admin, demoUsers.customer);
    for (const path of ['/portal', '/portal/csp', '/portal/account']) {
      await admin.goto(path);
      await expectNoSidewaysScroll(admin);
    }
    // The portal's tabs are a bar at the bottom of the screen, each at least 44 px tall.
    const tabs = admin.getByRole('navigation', { name: 'Main navigation' }).getByRole('link');
    await expect(tabs).toHaveCount(2);
    for (const tab of await tabs.all()) {
      const box = (await tab.boundingBox())!;
      expect(box.height).toBeGreaterThanOrEqual(44);
      expect(box.y + box.height).toBeGreaterThan(780 - 80);
    }
    // The header is one line: the page's heading starts in the first fifth of the screen.
    const heading = (await admin.getByRole('heading', { level: 1 }).boundingBox())!;
    expect(heading.y).toBeLessThan(160);
    await context.close();
  });
}
