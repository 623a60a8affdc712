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

namespace mod_podium\attendance;

/**
 * The signature of the Podium server's attendance calls (docs/attendance.md).
 *
 * Each call carries `X-Podium-Timestamp` (seconds since the Unix epoch) and
 * `X-Podium-Signature`: the base64url HMAC-SHA256 (no padding) of `<timestamp>.<body>` under the
 * secret the site shares with the server. A call is taken when the signature matches and the
 * timestamp is within {@see self::MAX_SKEW} seconds of the site's clock.
 *
 * @package    mod_podium
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class signature {
    /** @var int How far the call's timestamp may be from the site's clock, in seconds. */
    const MAX_SKEW = 300;

    /**
     * The signature of a body at a time.
     *
     * @param string $secret The shared secret.
     * @param string $timestamp The call's timestamp, as sent.
     * @param string $body The call's body, as sent.
     * @return string base64url without padding.
     */
    public static function sign(string $secret, string $timestamp, string $body): string {
        $mac = hash_hmac('sha256', $timestamp . '.' . $body, $secret, true);
        return rtrim(strtr(base64_encode($mac), '+/', '-_'), '=');
    }

    /**
     * Whether a call is the server's and recent.
     *
     * @param string $secret The shared secret; an empty one verifies nothing.
     * @param string $timestamp The X-Podium-Timestamp header.
     * @param string $signature The X-Podium-Signature header.
     * @param string $body The raw body.
     * @param int $now The site's clock, seconds since the Unix epoch.
     * @return bool
     */
    public static function verify(string $secret, string $timestamp, string $signature, string $body, int $now): bool {
        if ($secret === '' || $signature === '' || !preg_match('/^[0-9]{1,12}$/', $timestamp)) {
            return false;
        }
        if (abs($now - (int) $timestamp) > self::MAX_SKEW) {
            return false;
        }
        return hash_equals(self::sign($secret, $timestamp, $body), $signature);
    }
}
