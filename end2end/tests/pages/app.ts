import { expect, type Locator, type Page } from '@playwright/test';

export const DEMO_PASSWORD = 'demo-password';

export const demoUsers = {
  creditControl: { email: 'credit@distributor.example', home: '/backoffice', heading: 'Back office' },
  operations: { email: 'ops@distributor.example', home: '/backoffice', heading: 'Back office' },
  partner: { email: 'partner@reseller.example', home: '/cp', heading: 'Control Panel' },
  customer: { email: 'admin@contoso.example', home: '/portal', heading: 'Customer portal' },
} as const;

/** Clicks before hydration are lost, so interactive tests wait for the app to mark itself ready. */
export async function waitForHydration(page: Page) {
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
}

export class LoginPage {
  readonly email: Locator;
  readonly password: Locator;
  readonly submit: Locator;

  constructor(private readonly page: Page) {
    this.email = page.getByLabel('E-mail');
    this.password = page.getByLabel('Password', { exact: true });
    this.submit = page.getByRole('button', { name: 'Sign in' });
  }

  async goto(next?: string) {
    await this.page.goto(next ? `/login?next=${encodeURIComponent(next)}` : '/login');
  }

  async signIn(email: string, password = DEMO_PASSWORD) {
    await this.email.fill(email);
    await this.password.fill(password);
    await this.submit.click();
  }

  /** The message shown under a field after a refused sign-in. */
  fieldError(field: 'email' | 'password'): Locator {
    return this.page.locator(`#${field}-error`);
  }
}

/** Signs in through the login page with JavaScript and waits for the user's home to be interactive. */
export async function signInAs(page: Page, user: { email: string; home: string }, next?: string) {
  const login = new LoginPage(page);
  await login.goto(next);
  await waitForHydration(page);
  await login.signIn(user.email);
  await expect(page).toHaveURL(new RegExp(`${next ?? user.home}$`));
  await waitForHydration(page);
}

export class Shell {
  readonly nav: Locator;

  constructor(private readonly page: Page) {
    this.nav = page.getByRole('navigation', { name: /Main navigation|Ana menü/ });
  }

  languageButton(code: 'EN' | 'TR'): Locator {
    return this.page.getByRole('button', { name: new RegExp(`^${code}`) });
  }

  /** Switches the language and waits for the page to load again in it, with JavaScript. */
  async switchLanguage(code: 'EN' | 'TR') {
    const reloaded = this.page.waitForEvent('load');
    await this.languageButton(code).click();
    await reloaded;
    await expect(this.page.locator('html')).toHaveAttribute('lang', code.toLowerCase());
    await waitForHydration(this.page);
  }

  signOut(): Locator {
    return this.page.getByRole('button', { name: /Sign out|Çıkış yap/ });
  }
}

/** Where a new partner's set-password link leads: the new password twice. */
export class SetPasswordPage {
  readonly newPassword: Locator;
  readonly confirm: Locator;
  readonly save: Locator;

  constructor(private readonly page: Page) {
    this.newPassword = page.getByLabel('New password', { exact: true });
    this.confirm = page.getByLabel('Repeat the new password');
    this.save = page.getByRole('button', { name: 'Save password' });
  }

  async setPassword(password: string) {
    await expect(this.page.getByRole('heading', { level: 1, name: 'Set your password' })).toBeVisible();
    await this.newPassword.fill(password);
    await this.confirm.fill(password);
    await this.save.click();
  }
}

/**
 * The set-password link of a credentials mail, as credit control reads it in the outbox while no
 * mail server is configured (the demo); the page must be signed in as credit control.
 */
export async function setPasswordLink(page: Page, email: string): Promise<string> {
  await page.goto('/backoffice/outbox');
  const mail = page.getByRole('listitem').filter({ hasText: email }).filter({ hasText: 'partner account is ready' });
  await mail.locator('summary').click();
  const link = await mail.locator('code.secret').textContent();
  expect(link, 'the credentials mail carries a set-password link').toMatch(/\/set-password\/[0-9a-f]{64}$/);
  return link!.trim();
}
