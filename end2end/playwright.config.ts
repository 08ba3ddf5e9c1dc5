import { defineConfig, devices } from '@playwright/test';

// The server under test is the debug build `make test` has just made, serving the release front end
// users get (`make test` sets CLOUDMARKET_E2E_SITE_ROOT and LEPTOS_HASH_FILE_NAME to the split,
// hashed, precompressed bundle its budget stage built); CLOUDMARKET_E2E_PROFILE=release runs the
// release build `make run` made instead. It listens on a port of its own so a running `make run` is
// not disturbed, with its own database (CLOUDMARKET_E2E_DATABASE_URL).
const port = Number(process.env.CLOUDMARKET_E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
const release = process.env.CLOUDMARKET_E2E_PROFILE === 'release';
// Set here so the test workers (started with this process's environment) send the same token.
process.env.CLOUDMARKET_SANDBOX_TOKEN ??= 'e2e-sandbox-token';
const sandboxToken = process.env.CLOUDMARKET_SANDBOX_TOKEN;

const serverEnv: Record<string, string> = {
  LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
  LEPTOS_SITE_ROOT: process.env.CLOUDMARKET_E2E_SITE_ROOT ?? (release ? 'target/site-release' : 'target/site'),
  LEPTOS_OUTPUT_NAME: 'cloudmarket',
  CLOUDMARKET_DEMO: '1',
  // Said outright rather than left to the demo's default: the tests need the sandbox, and move its
  // clock with this token (pages/managing.ts).
  CLOUDMARKET_SANDBOX: '1',
  CLOUDMARKET_SANDBOX_TOKEN: sandboxToken,
  // Every test signs in and applies from 127.0.0.1: the per-client limits would refuse the suite.
  CLOUDMARKET_SIGN_IN_PER_IP_PER_MINUTE: '100000',
  CLOUDMARKET_LOGIN_MAX_FAILURES: '1000',
  CLOUDMARKET_APPLICATIONS_PER_IP_PER_DAY: '100000',
  CLOUDMARKET_APPLICATIONS_PER_EMAIL_PER_DAY: '1000',
  // Provisioning steps take 0.3 s instead of the demo's 3 s: a whole order provisions in about 2 s.
  CLOUDMARKET_PROVISIONING_STEP_MS: '300',
  RUST_LOG: process.env.RUST_LOG ?? 'warn',
};
if (process.env.LEPTOS_HASH_FILE_NAME) {
  serverEnv.LEPTOS_HASH_FILE_NAME = process.env.LEPTOS_HASH_FILE_NAME;
}
if (process.env.CLOUDMARKET_E2E_DATABASE_URL) {
  serverEnv.DATABASE_URL = process.env.CLOUDMARKET_E2E_DATABASE_URL;
} else {
  // Run by hand without `make test`: the server's own embedded PostgreSQL, kept apart from `make run`'s.
  serverEnv.CLOUDMARKET_DATA_DIR = 'target/e2e-data';
}

// Chromium from Debian: nothing is downloaded. The flags keep it from reaching out to the network.
const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  reporter: [['list']],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    launchOptions: chromium,
  },
  projects: [
    // Invoicing bills the current month for every partner (one statement per partner and month): it
    // runs after the desktop tests, whose billing test bills and pays the demo partner's month first.
    { name: 'desktop', use: { ...devices['Desktop Chrome'], launchOptions: chromium }, testIgnore: /invoicing\.spec\.ts/ },
    {
      name: 'invoicing',
      use: { ...devices['Desktop Chrome'], launchOptions: chromium },
      testMatch: /invoicing\.spec\.ts/,
      dependencies: ['desktop'],
    },
    // The checkout tests share the demo partner's one cart, so they run in one project, serially;
    // their phone case sets the phone viewport itself.
    { name: 'phone', use: { ...devices['Pixel 7'], launchOptions: chromium }, testIgnore: /(checkout|invoicing)\.spec\.ts/ },
  ],
  webServer: {
    command: release ? 'target/release/server' : 'target/debug/server',
    cwd: '..',
    url: `${baseURL}/healthz`,
    env: serverEnv,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
