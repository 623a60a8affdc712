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

// Four browsers sending and decoding live video need the machine to themselves: `cargo xtask
// test` runs the media spec on its own, one test at a time, after the others
// (PODIUM_E2E_PART=rest, then =media). Without the variable, everything runs together.
const mediaSpec = /media\.spec\.ts$/;
const part = process.env.PODIUM_E2E_PART;
const selection =
  part === 'media' ? { testMatch: mediaSpec, workers: 1 } : part === 'rest' ? { testIgnore: mediaSpec, workers: 2 } : { workers: 2 };

export default defineConfig({
  testDir: './specs',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  ...selection,
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
