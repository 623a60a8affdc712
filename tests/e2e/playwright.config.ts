import { defineConfig } from '@playwright/test';

// Debian's Chromium with fake camera and microphone; never a downloaded browser.
export const chromiumArgs = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
];

export default defineConfig({
  testDir: './specs',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: process.env.CI ? 2 : 2,
  retries: 0,
  reporter: [['list']],
  globalSetup: './global-setup.ts',
  outputDir: './test-results',
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: chromiumArgs },
    viewport: { width: 1280, height: 800 },
    actionTimeout: 10_000,
  },
});
