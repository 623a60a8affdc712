import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Browser, BrowserContext, devices, expect, Page, test, TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import WebSocket from 'ws';

export const SECRET = 'podium-e2e-secret';
const ROOT = path.resolve(__dirname, '../..');

export function serverBin(): string {
  return process.env.PODIUM_SERVER_BIN ?? path.join(ROOT, 'target/debug/podium-server');
}

export function distDir(): string {
  return process.env.PODIUM_STATIC_DIR ?? process.env.PODIUM_DIST ?? path.join(ROOT, 'dist');
}

export function baseUrl(): string {
  const url = process.env.PODIUM_E2E_URL;
  if (!url) throw new Error('the global setup did not start the server');
  return url;
}

export type Role = 'moderator' | 'presenter' | 'attendee';
export type Mode = 'open' | 'request' | 'invite';

/** A room of its own for each test, so tests never see each other. */
export function roomId(info: TestInfo): string {
  return `e2e-${info.workerIndex}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export function token(room: string, role: Role, name: string, mode: Mode = 'request', sub?: string): string {
  return execFileSync(serverBin(), [
    'token', '--room', room, '--role', role, '--name', name, '--secret', SECRET,
    '--stage-mode', mode, '--room-title', 'Biology 101: The cell',
    ...(sub ? ['--sub', sub] : []),
  ]).toString().trim();
}

/**
 * Attendees who enter the room on WebSockets of their own, opened by the test rather than by a
 * page: Chromium spaces out a page's WebSocket handshakes more and more once many are open.
 * Resolves once each was welcomed, with the sockets (close them at the end); rejects if one was
 * refused.
 */
export async function crowdEnters(room: string, names: string[]): Promise<WebSocket[]> {
  const url = `${baseUrl().replace(/^http/, 'ws')}/ws`;
  const one = (name: string, credential: string) =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', protocol: 2, auth: { type: 'token', token: credential } })));
      ws.on('message', (data) => {
        const text = String(data);
        if (text.startsWith('{"type":"welcome"')) resolve(ws);
        else if (text.startsWith('{"type":"error"')) reject(new Error(`${name} was refused: ${text}`));
      });
      ws.on('close', () => reject(new Error(`${name}'s connection closed before a welcome`)));
      ws.on('error', reject);
    });
  const tokens = names.map((name) => token(room, 'attendee', name));
  const sockets: WebSocket[] = [];
  // A few dozen at a time: the server lets only so many connections from one address wait
  // for their hello.
  for (let i = 0; i < names.length; i += 40) {
    const batch = names.slice(i, i + 40);
    sockets.push(...(await Promise.all(batch.map((name, j) => one(name, tokens[i + j])))));
  }
  return sockets;
}

export interface EnterOptions {
  room: string;
  role: Role;
  name: string;
  mode?: Mode;
  mobile?: boolean;
  /** The person's user id (the same id is the same person); random when not given. */
  sub?: string;
  /** Stay on the Set devices window instead of clicking Join as viewer. */
  stayOnDevices?: boolean;
  /** Runs on the new page before it loads the room (e.g. to add an init script). */
  beforeGoto?: (page: Page) => Promise<void>;
  /** Another server than the suite's (a test that starts its own). */
  base?: string;
}

/** The people the current test opened, and which test that is. Their pages would go on
 *  sending and decoding live media through the next tests of the worker, starving them of CPU:
 *  the next test's first `enter` closes them. */
const opened: { test?: string; contexts: BrowserContext[] } = { contexts: [] };

async function closeEarlierTests() {
  const current = test.info().testId;
  if (opened.test === current) return;
  const earlier = opened.contexts.splice(0);
  opened.test = current;
  await Promise.all(earlier.map((c) => c.close().catch(() => undefined)));
}

/** Opens the room in a fresh browser context (a separate person). */
export async function enter(browser: Browser, o: EnterOptions): Promise<Page> {
  await closeEarlierTests();
  const context = await browser.newContext(o.mobile ? { ...devices['Pixel 7'] } : {});
  opened.contexts.push(context);
  const page = await context.newPage();
  if (o.beforeGoto) await o.beforeGoto(page);
  await page.goto(`${o.base ?? baseUrl()}/join#token=${token(o.room, o.role, o.name, o.mode ?? 'request', o.sub)}`);
  if (o.mobile) {
    await expect(toolbar(page)).toBeVisible();
    return page;
  }
  await expect(page.getByRole('heading', { name: 'Set devices' })).toBeVisible();
  if (!o.stayOnDevices) {
    await page.getByRole('button', { name: 'Join as viewer' }).click();
    await expect(toolbar(page)).toBeVisible();
  }
  return page;
}

export function toolbar(page: Page) {
  return page.getByRole('navigation', { name: 'Session controls' });
}

export async function openTab(page: Page, name: string) {
  await page.getByRole('tab', { name: new RegExp(`^${name}`) }).click();
}

/** A moderator starts a poll from the Polls tab. */
export async function startPoll(page: Page, question: string, options: string[]) {
  await openTab(page, 'Polls');
  await page.getByRole('button', { name: 'New poll' }).click();
  await page.getByLabel('Question').fill(question);
  for (const [i, option] of options.entries()) {
    await page.getByRole('textbox', { name: `Option ${i + 1}` }).fill(option);
  }
  await page.getByRole('button', { name: 'Start poll' }).click();
}

/** The participants list section (On stage / Viewers) as a locator. */
export function section(page: Page, title: 'On stage' | 'Viewers') {
  return page.locator('section.people-section').filter({ has: page.getByRole('heading', { name: new RegExp(`^${title}`) }) });
}

export async function screenshot(page: Page, name: string) {
  const dir = path.join(__dirname, 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`) });
}

export async function expectNoAxeViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(summary).toEqual([]);
}

declare global {
  interface Window {
    __podiumSockets: WebSocket[];
    __podiumBlock: boolean;
  }
}

/**
 * Lets a test drop a page's connection: every WebSocket the page opens is remembered, and while
 * `__podiumBlock` is set new ones go to a port where nothing listens (as on a network that is down).
 */
export async function controlSockets(page: Page) {
  await page.addInitScript(() => {
    const Native = window.WebSocket;
    window.__podiumSockets = [];
    window.__podiumBlock = false;
    class Controlled extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(window.__podiumBlock ? 'ws://127.0.0.1:9/' : url, protocols);
        window.__podiumSockets.push(this);
      }
    }
    window.WebSocket = Controlled as typeof WebSocket;
  });
}

/** Closes the page's open socket and keeps new ones from getting through until `restore`. */
export async function dropConnection(page: Page) {
  await page.evaluate(() => {
    window.__podiumBlock = true;
    for (const ws of window.__podiumSockets) ws.close();
  });
}

export async function restoreConnection(page: Page) {
  await page.evaluate(() => {
    window.__podiumBlock = false;
  });
}

/** A moderator makes an invitation link for a presenter in the Manage tab; returns the link. */
export async function createPresenterLink(mod: Page): Promise<string> {
  await openTab(mod, 'Manage');
  await mod.getByLabel('Joins as').selectOption('presenter');
  await mod.getByRole('button', { name: 'Create link' }).click();
  const linkInput = mod.getByRole('textbox', { name: 'Invitation link for a presenter' });
  await expect(linkInput).toBeVisible();
  return linkInput.inputValue();
}
