<?php
// This file is part of Moodle - https://moodle.org/
//
// Moodle is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// Moodle is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.
//
// You should have received a copy of the GNU General Public License
// along with Moodle.  If not, see <https://www.gnu.org/licenses/>.

namespace mod_podium\output;

/**
 * The strings the Podium client shows, handed to it in the user's language.
 *
 * Each key is the client's own name for the string; its text lives in lang/en/podium.php
 * under `client_<key>`. Where the client has no text for a key it falls back to its English
 * default, so the list can grow on either side without breaking the other.
 *
 * @package    mod_podium
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class client_strings {
    /** @var string Prefix of the client's strings in the language file. */
    const PREFIX = 'client_';

    /** @var string[] The client's string keys. */
    const KEYS = [
        // Entering.
        'app.name', 'app.untitled', 'app.no_entry', 'app.config_error', 'app.reload', 'entry.set_devices',
        'entry.intro', 'entry.join_as_viewer', 'entry.join_as_viewer_hint', 'entry.join_stage',
        'entry.join_stage_hint', 'entry.connecting', 'invite.title', 'invite.intro', 'invite.name',
        'invite.join',
        // Devices.
        'devices.camera', 'devices.microphone', 'devices.speaker', 'devices.preview', 'devices.level',
        'devices.check', 'devices.check_hint', 'devices.test_sound', 'devices.no_sink', 'devices.none_found',
        'devices.no_camera', 'devices.no_microphone', 'devices.default', 'devices.unnamed', 'devices.denied',
        'devices.not_found', 'devices.in_use', 'devices.unsupported', 'devices.failed', 'devices.mic_on',
        'devices.camera_on', 'devices.camera_off_preview',
        // Stage access.
        'stage.join_stage', 'stage.ask', 'stage.cancel_request', 'stage.waiting', 'stage.get_ready',
        'stage.get_ready_intro', 'stage.invited_title', 'stage.invited_by', 'stage.invited', 'stage.approved',
        'stage.join_the_stage', 'stage.decline', 'stage.not_now', 'stage.empty_title', 'stage.empty',
        'stage.seats', 'stage.label', 'stage.no_leave_hint',
        // Toolbar.
        'toolbar.label', 'toolbar.mic', 'toolbar.camera', 'toolbar.mic_off', 'toolbar.mic_on',
        'toolbar.camera_off', 'toolbar.camera_on', 'toolbar.raise_hand', 'toolbar.lower_hand',
        'toolbar.reactions', 'toolbar.requests', 'toolbar.requests_count', 'toolbar.share_screen',
        'toolbar.stop_sharing', 'toolbar.devices', 'devices.done',
        // Live media.
        'media.sound_blocked', 'media.turn_on_sound', 'media.screen_of', 'media.screen_failed',
        'media.speaking',
        // Panels and tabs.
        'tabs.label', 'tabs.stage', 'tabs.chat', 'tabs.participants', 'tabs.polls', 'tabs.requests',
        'tabs.manage',
        // Participants.
        'people.on_stage', 'people.viewers', 'people.none', 'people.find', 'people.more', 'people.no_match',
        'people.you', 'people.hand', 'people.mic_on',
        'people.mic_off', 'people.camera_on', 'people.camera_off', 'people.away', 'people.phone',
        'people.actions', 'people.invite', 'people.cancel_invite', 'people.remove_from_stage', 'people.mute',
        'people.lower_hand', 'people.lower_all_hands', 'people.remove', 'people.remove_confirm',
        'people.hands', 'role.moderator', 'role.presenter', 'role.attendee',
        // Chat.
        'chat.label', 'chat.empty', 'chat.input', 'chat.placeholder', 'chat.send', 'chat.delete',
        'chat.delete_from', 'chat.too_long',
        // Reactions.
        'reaction.thumbs_up', 'reaction.heart', 'reaction.laugh', 'reaction.surprised', 'reaction.clap',
        'reaction.celebrate', 'reaction.from',
        // Polls.
        'polls.empty', 'polls.new', 'polls.question', 'polls.option', 'polls.add_option',
        'polls.remove_option', 'polls.multiple', 'polls.quiz', 'polls.correct', 'polls.start', 'polls.cancel',
        'polls.submit', 'polls.answered', 'polls.end', 'polls.share', 'polls.shared', 'polls.open',
        'polls.ended', 'polls.quiz_badge', 'polls.answers', 'polls.votes', 'polls.right', 'polls.your_choice',
        'polls.waiting_results',
        // Moderator panels.
        'requests.title', 'requests.empty', 'requests.approve', 'requests.decline', 'requests.approve_name',
        'requests.decline_name', 'requests.since', 'manage.stage_mode', 'mode.open', 'mode.request',
        'mode.invite', 'links.title', 'links.intro', 'links.role', 'links.expires_in', 'links.hour',
        'links.day', 'links.week', 'links.month', 'links.create', 'links.empty', 'links.copy', 'links.copied',
        'links.revoke', 'links.revoked', 'links.expired', 'links.expires', 'links.link_for', 'banned.title',
        'banned.lift', 'banned.lift_name',
        // Notices.
        'notice.stage_requested', 'notice.request_approved', 'notice.request_declined',
        'notice.request_closed', 'notice.invited', 'notice.invitation_cancelled',
        'notice.invitation_declined', 'notice.removed_from_stage', 'notice.muted', 'notice.hand_lowered',
        'notice.on_stage', 'notice.dismiss', 'notice.not_connected', 'notice.stage_mode',
        // Connection.
        'conn.connecting', 'conn.connected', 'conn.reconnecting', 'conn.offline', 'conn.closed',
        'conn.ended_title', 'error.generic',
        // Dialogs.
        'dialog.close',
        // Server errors, by code.
        'error.hello_required', 'error.already_welcomed', 'error.unsupported_protocol', 'error.malformed',
        'error.frame_too_large', 'error.field_too_long', 'error.rate_limited', 'error.invalid_token',
        'error.token_expired', 'error.token_not_yet_valid', 'error.token_lifetime_too_long',
        'error.token_reused', 'error.wrong_room', 'error.invalid_invite_link', 'error.invite_link_expired',
        'error.invite_link_revoked', 'error.name_required', 'error.resume_invalid',
        'error.removed_from_session', 'error.room_full', 'error.not_moderator', 'error.stage_not_open',
        'error.ask_not_available', 'error.already_on_stage', 'error.already_requested', 'error.no_request',
        'error.not_invited', 'error.cannot_leave_stage', 'error.stage_full', 'error.not_on_stage',
        'error.unknown_participant', 'error.cannot_remove_moderator', 'error.chat_empty',
        'error.chat_too_long', 'error.unknown_message', 'error.invalid_poll', 'error.too_many_polls',
        'error.unknown_poll', 'error.poll_closed', 'error.already_answered', 'error.invalid_answer',
        'error.invalid_invite_role', 'error.invalid_invite_expiry', 'error.too_many_invite_links',
        'error.unknown_invite_link', 'error.not_removed', 'error.feature_disabled', 'error.media_refused',
        'error.internal',
        // Why the server closed the connection.
        'closing.replaced', 'closing.removed', 'closing.abuse', 'closing.server_shutdown', 'closing.refused',
        'closing.too_many_connections', 'closing.room_deleted',
    ];

    /**
     * The strings map for the client.
     *
     * @param callable $getstring Gives a string's text from its identifier in this plugin's language
     *     file (in Moodle: `fn($id) => get_string($id, 'mod_podium')`).
     * @return string[] Text by client key, in {@see self::KEYS} order.
     */
    public static function collect(callable $getstring): array {
        $strings = [];
        foreach (self::KEYS as $key) {
            $strings[$key] = (string) $getstring(self::PREFIX . $key);
        }
        return $strings;
    }
}
