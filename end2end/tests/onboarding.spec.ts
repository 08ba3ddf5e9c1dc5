import { expect, test, type Page } from '@playwright/test';
import { demoUsers, LoginPage, SetPasswordPage, setPasswordLink, signInAs, waitForHydration } from './pages/app';

const pdf = (name: string) => ({ name, mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%cloudmarket test\n%%EOF\n') });
const png = (name: string) => ({
  name,
  mimeType: 'image/png',
  buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]),
});

const documentLabels = [
  'tax registration certificate',
  'signature circular',
  'trade registry gazette',
  "copy of the owner's ID",
  'customer introduction form',
  'membership agreement form',
];

function unique(prefix: string) {
  return `${prefix}${Date.now()}${Math.floor(Math.random() * 1000)}`;
}

async function fillContact(page: Page, email: string) {
  await page.getByLabel('Contact name').fill('Ayşe Yılmaz');
  await page.getByLabel('Contact e-mail').fill(email);
  await page.getByLabel('Contact phone').fill('0532 555 01 02');
}

/** Credit control approves the application with the default limit. */
async function approve(page: Page, number: string) {
  await page.context().clearCookies();
  await signInAs(page, demoUsers.creditControl);
  await page.goto('/backoffice/applications');
  await page.getByRole('link', { name: number }).click();
  await expect(page.getByRole('heading', { level: 1, name: new RegExp(number) })).toBeVisible();
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Approve' }).click();
  await expect(page.getByRole('button', { name: 'Approve' })).toHaveCount(0);
  await expect(page.locator('.subtitle .badge')).toHaveText('Approved');
}

/**
 * The new partner's first sign-in: its own password through the mailed link (no password is ever
 * mailed), then the Control Panel; a second use of the link sets nothing.
 */
async function firstSignIn(page: Page, email: string, link: string, company: string) {
  await page.context().clearCookies();
  await page.goto(new URL(link).pathname);
  await waitForHydration(page);
  await new SetPasswordPage(page).setPassword('my-own-new-password');
  await expect(page).toHaveURL(/\/login\?password_set=1$/);
  await expect(page.getByText('Your password is set. Sign in with it.')).toBeVisible();
  const login = new LoginPage(page);
  await waitForHydration(page);
  await login.signIn(email, 'my-own-new-password');
  await expect(page).toHaveURL(/\/cp$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Control Panel' })).toBeVisible();
  await expect(page.getByText(`Welcome, ${company}`)).toBeVisible();

  // The link worked once: opened again, it sets nothing.
  await page.context().clearCookies();
  await page.goto(new URL(link).pathname);
  await waitForHydration(page);
  await new SetPasswordPage(page).setPassword('someone-elses-password');
  await expect(page.locator('#new_password-error')).toContainText('already used');
}

// These walk through three people's work (applicant, credit control, new partner): more than
// the default 30 s on a busy machine.
test.describe.configure({ timeout: 90_000 });

test('a new partner applies with six documents, is approved and signs in', async ({ page }) => {
  const email = `${unique('new')}@partner.example`;
  const company = `Yeni Bulut ${unique('')}`;
  await page.goto('/become-a-partner');
  await page.getByRole('tab', { name: 'I want to become a new partner' }).click();
  await expect(page).toHaveURL(/tab=new_partner/);

  await page.getByLabel('Company name').fill(company);
  await page.getByLabel('Tax number').fill('1234509876');
  await page.getByLabel('Address').fill('Maslak, Istanbul');
  await page.getByLabel('Company phone').fill('0212 555 01 02');
  await page.getByLabel('MPN ID').fill('7654321');
  await fillContact(page, email);
  for (const label of documentLabels) {
    const file = label.includes('ID') ? png('kimlik.png') : pdf('belge.pdf');
    await page.getByLabel(label).setInputFiles(file);
  }
  await page.getByRole('button', { name: 'Submit application' }).click();

  await expect(page).toHaveURL(/\/applications\/[0-9a-f]{64}$/);
  await expect(page.getByText('Submitted, waiting for review')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Documents' })).toBeVisible();
  const number = (await page.locator('[data-test="application-number"]').textContent())!.trim();
  expect(number).toMatch(/^APP-\d{6}$/);

  await approve(page, number);
  const link = await setPasswordLink(page, email);
  await firstSignIn(page, email, link, company);
});

test('a dealer applies, is approved, sets its password without JavaScript and signs in', async ({ page, browser, baseURL }) => {
  const email = `${unique('dealer')}@bayi.example`;
  const company = `Bayi ${unique('')}`;
  await page.goto('/become-a-partner');
  await expect(page.getByRole('tab', { name: 'I am an Armada dealer' })).toHaveAttribute('aria-selected', 'true');

  await page.getByLabel('Company name').fill(company);
  await page.getByLabel('Armada dealer account code').fill(unique('120.01.'));
  await page.getByLabel('My company has Armada credit approval').check();
  await fillContact(page, email);
  await page.getByRole('button', { name: 'Submit application' }).click();

  await expect(page).toHaveURL(/\/applications\//);
  const number = (await page.locator('[data-test="application-number"]').textContent())!.trim();
  await approve(page, number);
  const link = await setPasswordLink(page, email);
  // The link is opened where the mail is read: here a browser without JavaScript, on the
  // project's screen size.
  const noScript = await browser.newContext({ javaScriptEnabled: false, baseURL, viewport: page.viewportSize() });
  const plain = await noScript.newPage();
  await plain.goto(new URL(link).pathname);
  await new SetPasswordPage(plain).setPassword('my-own-new-password');
  await expect(plain).toHaveURL(/\/login\?password_set=1$/);
  await new LoginPage(plain).signIn(email, 'my-own-new-password');
  await expect(plain).toHaveURL(/\/cp$/);
  await expect(plain.getByText(`Welcome, ${company}`)).toBeVisible();
  await noScript.close();
});

test('a refused application says what is wrong at each field and keeps the typed text', async ({ page }) => {
  await page.goto('/become-a-partner?tab=new_partner');
  await page.getByLabel('Company name').fill('Eksik Belge Ltd.');
  await page.getByLabel('Tax number').fill('12345');
  await page.getByLabel('tax registration certificate').setInputFiles({
    name: 'vergi.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('MZ this is not a pdf'),
  });

  await page.getByRole('button', { name: 'Submit application' }).click();

  await expect(page.locator('#tax_number-error')).toContainText('10 digits');
  await expect(page.locator('#doc_tax_certificate-error')).toContainText('not a PDF, JPEG or PNG');
  await expect(page.locator('#doc_owner_id-error')).toContainText("Attach the copy of the owner's ID");
  await expect(page.locator('#mpn_id-error')).toContainText('Microsoft Partner ID');
  await expect(page.getByLabel('Company name')).toHaveValue('Eksik Belge Ltd.');
});
