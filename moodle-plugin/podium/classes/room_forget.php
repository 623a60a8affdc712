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

namespace mod_podium;

/**
 * Asking the Podium server to delete an activity's room, and everything it keeps of it (chat,
 * polls, its log), when the activity is deleted.
 *
 * @package    mod_podium
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class room_forget {
    /** @var string The audience of a request to delete a room (never a join token's). */
    const AUDIENCE = 'podium-forget';

    /** @var int Seconds a request stays valid: it is sent at once. */
    const LIFETIME = 60;

    /** @var string Where the server takes the request, after its address. */
    const PATH = '/rooms/forget';

    /**
     * The claims of a request to delete one activity's room.
     *
     * @param string $siteid From {@see token::site_id()}.
     * @param int $cmid The activity's course module id.
     * @param int $now Unix seconds.
     * @param string $jti A new request id.
     * @return array
     */
    public static function claims(string $siteid, int $cmid, int $now, string $jti): array {
        return [
            'iss' => $siteid,
            'aud' => self::AUDIENCE,
            'room' => token::room_id($siteid, $cmid),
            'iat' => $now,
            'exp' => $now + self::LIFETIME,
            'jti' => $jti,
        ];
    }

    /**
     * Ask the server to delete the room of a course module being deleted. A server that cannot
     * be reached does not stop the deletion: it is logged for the admin instead.
     *
     * @param int $cmid The activity's course module id.
     * @return bool Whether the server confirmed it.
     */
    public static function send(int $cmid): bool {
        global $CFG;
        require_once($CFG->libdir . '/filelib.php');

        $config = get_config('mod_podium');
        $server = rtrim((string) ($config->serverurl ?? ''), '/');
        $secret = (string) ($config->secret ?? '');
        if ($server === '' || $secret === '') {
            return false;
        }
        $claims = self::claims(token::site_id($CFG->wwwroot), $cmid, time(), token::new_jti());
        $curl = new \curl();
        $curl->setHeader('Authorization: Bearer ' . token::sign($claims, $secret));
        $curl->post($server . self::PATH, '');
        $status = (int) ($curl->get_info()['http_code'] ?? 0);
        if ($status !== 200) {
            debugging("Podium: the server did not delete room {$claims['room']} (HTTP {$status}).", DEBUG_NORMAL);
            return false;
        }
        return true;
    }
}
