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
        // Entering: Set devices.
        'set_devices', 'camera', 'microphone', 'speaker', 'no_camera', 'no_microphone', 'no_speaker_choice',
        'camera_preview', 'microphone_level', 'test_sound', 'device_permission_denied', 'device_not_found',
        'device_in_use', 'mobile_viewer_only', 'join_as_viewer', 'join_stage',
        // The stage.
        'get_ready_to_join_stage', 'ask_to_join_stage', 'cancel_request', 'request_sent', 'request_declined',
        'invited_to_stage', 'join_the_stage', 'decline', 'on_stage', 'stage_empty', 'leave_stage_by_moderator',
        'stage_mode', 'stage_mode_open', 'stage_mode_request', 'stage_mode_invite',
        // Toolbar.
        'mic_on', 'mic_off', 'camera_on', 'camera_off', 'raise_hand', 'lower_hand', 'reactions', 'leave_session',
        // Participants.
        'participants', 'viewers', 'hand_raised', 'you', 'moderator', 'presenter', 'attendee',
        // Moderation.
        'stage_requests', 'approve', 'invite_to_stage', 'remove_from_stage', 'mute', 'lower_all_hands',
        'remove_from_session', 'removed_from_session',
        // Chat.
        'chat', 'chat_placeholder', 'send', 'delete_message', 'message_deleted', 'chat_disabled',
        // Polls and quizzes.
        'polls', 'poll', 'quiz', 'new_poll', 'question', 'option', 'add_option', 'single_choice', 'multiple_choice',
        'correct_answer', 'start_poll', 'submit_answer', 'answered', 'end_poll', 'share_results', 'results',
        'votes',
        // Connection.
        'connecting', 'reconnecting', 'connection_lost', 'reload', 'replaced_elsewhere',
        'error_invalid_token', 'error_token_expired', 'error_token_reused', 'error_forbidden',
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
