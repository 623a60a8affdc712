import { expect, test } from '@playwright/test';
import { enter, expectNoAxeViolations, openTab, roomId, screenshot, section, toolbar } from '../helpers';

test('open mode: Join stage from Set devices puts an attendee on stage', async ({ browser }, info) => {
  const room = roomId(info);
  const mod = await enter(browser, { room, role: 'moderator', name: 'Ada Teacher', mode: 'open' });
  const sam = await enter(browser, { room, role: 'attendee', name: 'Sam Student', mode: 'open', stayOnDevices: true });
  await expect(sam.getByRole('button', { name: 'Join as viewer' })).toBeVisible();
  await expectNoAxeViolations(sam);
  await screenshot(sam, 'set-devices');
  await sam.getByRole('button', { name: 'Join stage' }).click();
  await expect(toolbar(sam).getByRole('button', { name: 'Microphone' })).toBeVisible();
  await expect(toolbar(sam).getByRole('button', { name: 'Camera' })).toBeVisible();
  await openTab(mod, 'Participants');
  await expect(section(mod, 'On stage').getByText('Sam Student')).toBeVisible();
  await expect(mod.locator('.tile', { hasText: 'Sam Student' })).toBeVisible();
  await screenshot(mod, 'room-moderator-open');
});

test('Set devices offers Join stage only to those the stage mode lets on directly', async ({ browser }, info) => {
  // A room each: a room's first entrant brings the activity's stage mode.
  for (const mode of ['request', 'invite'] as const) {
    const room = `${roomId(info)}-${mode}`;
    const sam = await enter(browser, { room, role: 'attendee', name: 'Sam Student', mode, stayOnDevices: true });
    await expect(sam.getByRole('button', { name: 'Join as viewer' })).toBeVisible();
    await expect(sam.getByRole('button', { name: 'Join stage' })).toHaveCount(0);
    // A presenter goes on stage directly in every mode.
    const pia = await enter(browser, { room, role: 'presenter', name: 'Pia Presenter', mode, stayOnDevices: true });
    await expect(pia.getByRole('button', { name: 'Join stage' })).toBeVisible();
  }
});

test('open mode: a viewer uses Join stage on the toolbar and gets ready first', async ({ browser }, info) => {
  const room = roomId(info);
  await enter(browser, { room, role: 'moderator', name: 'Ada Teacher', mode: 'open' });
  const sam = await enter(browser, { room, role: 'attendee', name: 'Sam Student', mode: 'open' });
  await toolbar(sam).getByRole('button', { name: 'Join stage' }).click();
  const dialog = sam.getByRole('dialog', { name: 'Get ready to join the stage' });
  await expect(dialog).toBeVisible();
  await screenshot(sam, 'get-ready');
  await dialog.getByRole('button', { name: 'Join stage' }).click();
  await expect(dialog).toBeHidden();
  await expect(toolbar(sam).getByRole('button', { name: 'Microphone' })).toBeVisible();
});

test('request → approve → join', async ({ browser }, info) => {
  const room = roomId(info);
  const mod = await enter(browser, { room, role: 'moderator', name: 'Ada Teacher', mode: 'request' });
  const sam = await enter(browser, { room, role: 'attendee', name: 'Sam Student' });
  await toolbar(sam).getByRole('button', { name: 'Ask to join stage' }).click();
  await expect(toolbar(sam).getByRole('button', { name: 'Cancel request' })).toBeVisible();
  await expect(mod.locator('.toast', { hasText: 'Sam Student asks to join the stage.' })).toBeVisible();
  await expect(toolbar(mod).getByRole('button', { name: /Requests/ })).toContainText('1');
  await openTab(mod, 'Requests');
  await screenshot(mod, 'requests');
  await mod.getByRole('button', { name: 'Approve Sam Student' }).click();
  const invite = sam.getByRole('alertdialog', { name: 'Join the stage?' });
  await expect(invite).toBeVisible();
  await expect(invite).toContainText('approved');
  await invite.getByRole('button', { name: 'Join the stage' }).click();
  const ready = sam.getByRole('dialog', { name: 'Get ready to join the stage' });
  await ready.getByRole('button', { name: 'Join stage' }).click();
  await expect(toolbar(sam).getByRole('button', { name: 'Microphone' })).toBeVisible();
  await openTab(mod, 'Participants');
  await expect(section(mod, 'On stage').getByText('Sam Student')).toBeVisible();
});

test('request → decline → ask again', async ({ browser }, info) => {
  const room = roomId(info);
  const mod = await enter(browser, { room, role: 'moderator', name: 'Ada Teacher', mode: 'request' });
  const sam = await enter(browser, { room, role: 'attendee', name: 'Sam Student' });
  await toolbar(sam).getByRole('button', { name: 'Ask to join stage' }).click();
  await openTab(mod, 'Requests');
  await mod.getByRole('button', { name: 'Decline Sam Student' }).click();
  await expect(sam.locator('.toast', { hasText: 'declined' })).toBeVisible();
  await expect(toolbar(sam).getByRole('button', { name: 'Ask to join stage' })).toBeVisible();
  await toolbar(sam).getByRole('button', { name: 'Ask to join stage' }).click();
  await expect(mod.getByRole('button', { name: 'Approve Sam Student' })).toBeVisible();
});

test('cancel request', async ({ browser }, info) => {
  const room = roomId(info);
  const mod = await enter(browser, { room, role: 'moderator', name: 'Ada Teacher', mode: 'request' });
  const sam = await enter(browser, { room, role: 'attendee', name: 'Sam Student' });
  await toolbar(sam).getByRole('button', { name: 'Ask to join stage' }).click();
  await openTab(mod, 'Requests');
  await expect(mod.getByRole('button', { name: 'Approve Sam Student' })).toBeVisible();
  await toolbar(sam).getByRole('button', { name: 'Cancel request' }).click();
  await expect(toolbar(sam).getByRole('button', { name: 'Ask to join stage' })).toBeVisible();
  await expect(mod.getByText('No one is waiting.')).toBeVisible();
});

async function inviteFromList(mod: import('@playwright/test').Page, name: string) {
  await openTab(mod, 'Participants');
  await section(mod, 'Viewers').locator(`summary[aria-label="Actions for ${name}"]`).click();
  await mod.getByRole('menuitem', { name: 'Invite to stage' }).click();
}

test('invite-only: no stage button; invite → decline', async ({ browser }, info) => {
  const room = roomId(info);
  const mod = await enter(browser, { room, role: 'moderator', name: 'Ada Teacher', mode: 'invite' });
  const sam = await enter(browser, { room, role: 'attendee', name: 'Sam Student' });
  await expect(toolbar(sam).getByRole('button', { name: /stage/ })).toHaveCount(0);
  await inviteFromList(mod, 'Sam Student');
  const invite = sam.getByRole('alertdialog', { name: 'Join the stage?' });
  await expect(invite).toContainText('Ada Teacher invites you to join the stage.');
  await screenshot(sam, 'invitation');
  await invite.getByRole('button', { name: 'Decline' }).click();
  await expect(invite).toBeHidden();
  await expect(mod.locator('.toast', { hasText: 'Sam Student declined the invitation to join the stage.' })).toBeVisible();
});

test('an invitation can be withdrawn by any moderator, one who came later too', async ({ browser }, info) => {
  const room = roomId(info);
  const ada = await enter(browser, { room, role: 'moderator', name: 'Ada Teacher', mode: 'invite' });
  const sam = await enter(browser, { room, role: 'attendee', name: 'Sam Student' });
  await inviteFromList(ada, 'Sam Student');
  const invite = sam.getByRole('alertdialog', { name: 'Join the stage?' });
  await expect(invite).toBeVisible();

  const bob = await enter(browser, { room, role: 'moderator', name: 'Bob Assistant', mode: 'invite' });
  await openTab(bob, 'Participants');
  await section(bob, 'Viewers').locator('summary[aria-label="Actions for Sam Student"]').click();
  await bob.getByRole('menuitem', { name: 'Cancel invitation' }).click();
  await expect(invite).toBeHidden();
  // The moderator who invited sees it withdrawn: inviting is offered again.
  await openTab(ada, 'Participants');
  await section(ada, 'Viewers').locator('summary[aria-label="Actions for Sam Student"]').click();
  await expect(ada.getByRole('menuitem', { name: 'Invite to stage' })).toBeVisible();
  await expect(ada.getByRole('menuitem', { name: 'Cancel invitation' })).toHaveCount(0);
});

test('invite-only: invite → join; on stage there is no way to leave', async ({ browser }, info) => {
  const room = roomId(info);
  const mod = await enter(browser, { room, role: 'moderator', name: 'Ada Teacher', mode: 'invite' });
  const sam = await enter(browser, { room, role: 'attendee', name: 'Sam Student' });
  await inviteFromList(mod, 'Sam Student');
  await sam.getByRole('alertdialog', { name: 'Join the stage?' }).getByRole('button', { name: 'Join the stage' }).click();
  await sam.getByRole('dialog', { name: 'Get ready to join the stage' }).getByRole('button', { name: 'Join stage' }).click();
  await expect(toolbar(sam).getByRole('button', { name: 'Microphone' })).toBeVisible();
  await expect(sam.getByRole('button', { name: /leave/i })).toHaveCount(0);
  await expect(sam.getByText(/leave/i)).toHaveCount(0);
  // Mic toggle reflects the server's state.
  const mic = toolbar(sam).getByRole('button', { name: 'Microphone' });
  const before = await mic.getAttribute('aria-pressed');
  await mic.click();
  await expect(mic).not.toHaveAttribute('aria-pressed', before ?? '');
  await openTab(mod, 'Participants');
  await expect(section(mod, 'On stage').getByText('Sam Student')).toBeVisible();
  await screenshot(sam, 'on-stage');
});

test('moderator removes from stage, with a notice to the person', async ({ browser }, info) => {
  const room = roomId(info);
  const mod = await enter(browser, { room, role: 'moderator', name: 'Ada Teacher', mode: 'open' });
  const sam = await enter(browser, { room, role: 'attendee', name: 'Sam Student', mode: 'open', stayOnDevices: true });
  await sam.getByRole('button', { name: 'Join stage' }).click();
  await expect(toolbar(sam).getByRole('button', { name: 'Microphone' })).toBeVisible();
  await openTab(mod, 'Participants');
  await section(mod, 'On stage').locator('summary[aria-label="Actions for Sam Student"]').click();
  await mod.getByRole('menuitem', { name: 'Remove from stage' }).click();
  await expect(sam.locator('.toast', { hasText: 'A moderator removed you from the stage.' })).toBeVisible();
  await expect(toolbar(sam).getByRole('button', { name: 'Microphone' })).toHaveCount(0);
});

test('a phone enters as a viewer straight away, in one column with tabs', async ({ browser }, info) => {
  const room = roomId(info);
  await enter(browser, { room, role: 'moderator', name: 'Ada Teacher', mode: 'open' });
  const phone = await enter(browser, { room, role: 'attendee', name: 'Pat Phone', mode: 'open', mobile: true });
  await expect(phone.getByRole('heading', { name: 'Set devices' })).toHaveCount(0);
  await expect(phone.getByRole('tab', { name: 'Stage' })).toHaveAttribute('aria-selected', 'true');
  for (const button of await toolbar(phone).getByRole('button').all()) {
    const box = await button.boundingBox();
    expect(box && box.height >= 44 && box.width >= 44).toBeTruthy();
  }
  for (const tab of await phone.getByRole('tab').all()) {
    const box = await tab.boundingBox();
    expect(box && box.height >= 44).toBeTruthy();
  }
  await screenshot(phone, 'phone-stage');
  await expectNoAxeViolations(phone);
  await openTab(phone, 'Participants');
  await expect(section(phone, 'Viewers').getByText('Pat Phone')).toBeVisible();
  await screenshot(phone, 'phone-participants');
  // Later, the devices window comes when joining the stage.
  await toolbar(phone).getByRole('button', { name: 'Join stage' }).click();
  await expect(phone.getByRole('dialog', { name: 'Get ready to join the stage' })).toBeVisible();
});
