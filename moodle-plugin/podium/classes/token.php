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
 * The join token a person enters a Podium room with.
 *
 * The claims follow the project's token contract (docs/token.md) field by field and are
 * emitted in the order of that document's table, so that the same inputs always give the
 * same bytes. Everything that builds claims is a pure function of its arguments; only
 * {@see self::for_user()} reads Moodle's state.
 *
 * @package    mod_podium
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class token {
    /** @var string The only algorithm the server accepts. */
    const ALGORITHM = 'HS256';
    /** @var string The audience of a join token. */
    const AUDIENCE = 'podium';

    /** @var string Runs the room (mod/podium:moderate). */
    const ROLE_MODERATOR = 'moderator';
    /** @var string May join the stage directly in every stage mode (mod/podium:present). */
    const ROLE_PRESENTER = 'presenter';
    /** @var string A viewer who reaches the stage as the stage mode allows (mod/podium:join). */
    const ROLE_ATTENDEE = 'attendee';
    /** @var string[] Every role the server knows. */
    const ROLES = [self::ROLE_MODERATOR, self::ROLE_PRESENTER, self::ROLE_ATTENDEE];

    /** @var int The server cuts longer display names; the plugin cuts them the same way. */
    const NAME_MAX_CHARS = 64;
    /** @var int The longest room id the server accepts. */
    const ROOM_MAX_CHARS = 128;
    /** @var int Length of the site id, in hexadecimal digits (128 bits of SHA-256). */
    const SITE_ID_CHARS = 32;

    /** @var int Token lifetime when the setting is empty, in seconds. */
    const LIFETIME_DEFAULT = 300;
    /** @var int Shortest lifetime the plugin signs: the server allows 30 seconds of clock skew. */
    const LIFETIME_MIN = 60;
    /** @var int Longest lifetime the plugin signs: the server's default maximum. */
    const LIFETIME_MAX = 600;

    /** @var string[] Optional claims, in the order they are emitted. */
    const OPTIONAL_CLAIMS = ['nbf', 'picture', 'locale', 'room_title', 'stage_mode', 'features', 'callback'];

    /** @var int The longest attendance callback URL the server accepts, in bytes. */
    const CALLBACK_MAX_BYTES = 2048;

    /**
     * The site id used as `iss`: derived from the site's address so that it is stable and
     * needs no configuration.
     *
     * It is the first 32 lowercase hexadecimal digits of SHA-256 over `$CFG->wwwroot`, any
     * trailing slash removed. A site that changes its address gets a new id (and so its users
     * become new identities on the Podium server).
     *
     * @param string $wwwroot The site's address, as in `$CFG->wwwroot`.
     * @return string
     */
    public static function site_id(string $wwwroot): string {
        return substr(hash('sha256', rtrim($wwwroot, '/')), 0, self::SITE_ID_CHARS);
    }

    /**
     * The room of one activity: `<site id>:<course module id>`.
     *
     * @param string $siteid The site id from {@see self::site_id()}.
     * @param int $cmid The course module id.
     * @return string
     */
    public static function room_id(string $siteid, int $cmid): string {
        return $siteid . ':' . $cmid;
    }

    /**
     * The role a person gets: moderate outranks present, which outranks join.
     *
     * @param bool $canmoderate Whether they hold mod/podium:moderate.
     * @param bool $canpresent Whether they hold mod/podium:present.
     * @return string One of {@see self::ROLES}.
     */
    public static function role(bool $canmoderate, bool $canpresent): string {
        if ($canmoderate) {
            return self::ROLE_MODERATOR;
        }
        return $canpresent ? self::ROLE_PRESENTER : self::ROLE_ATTENDEE;
    }

    /**
     * The lifetime to sign with, from the admin setting: empty or zero gives the default,
     * anything else is kept between {@see self::LIFETIME_MIN} and {@see self::LIFETIME_MAX}.
     *
     * @param mixed $configured The setting's value.
     * @return int Seconds.
     */
    public static function lifetime($configured): int {
        $seconds = (int) $configured;
        if ($seconds <= 0) {
            return self::LIFETIME_DEFAULT;
        }
        return max(self::LIFETIME_MIN, min(self::LIFETIME_MAX, $seconds));
    }

    /**
     * A new token id: 128 random bits in hexadecimal.
     *
     * @return string
     */
    public static function new_jti(): string {
        return bin2hex(random_bytes(16));
    }

    /**
     * A display name as the server keeps it: surrounding space trimmed, at most 64 characters.
     *
     * @param string $name
     * @return string
     */
    public static function display_name(string $name): string {
        $name = trim($name);
        if (mb_strlen($name, 'UTF-8') > self::NAME_MAX_CHARS) {
            $name = mb_substr($name, 0, self::NAME_MAX_CHARS, 'UTF-8');
        }
        return $name;
    }

    /**
     * Build a join token's claims, in the order of docs/token.md's table.
     *
     * @param string $siteid The issuing site's id (`iss`).
     * @param string $userid The user's id within the site (`sub`).
     * @param string $name Display name; cut to 64 characters.
     * @param string $role One of {@see self::ROLES}.
     * @param string $room The room id; at most 128 characters.
     * @param int $issuedat Seconds since the Unix epoch (`iat`).
     * @param int $lifetime Seconds until expiry (`exp` = `iat` + lifetime).
     * @param string $jti Unique token id.
     * @param array $optional Any of `nbf`, `picture`, `locale`, `room_title`, `stage_mode`,
     *     `features` (chat, reactions, polls => bool) and `callback`; null or empty values are
     *     left out.
     * @return array The claims, ready to sign.
     * @throws \InvalidArgumentException When a value is one the server would refuse.
     */
    public static function claims(
        string $siteid,
        string $userid,
        string $name,
        string $role,
        string $room,
        int $issuedat,
        int $lifetime,
        string $jti,
        array $optional = []
    ): array {
        if ($siteid === '' || $userid === '' || $jti === '') {
            throw new \InvalidArgumentException('iss, sub and jti must not be empty');
        }
        if (!in_array($role, self::ROLES, true)) {
            throw new \InvalidArgumentException("unknown role '$role'");
        }
        if ($room === '' || mb_strlen($room, 'UTF-8') > self::ROOM_MAX_CHARS) {
            throw new \InvalidArgumentException('room must have 1 to ' . self::ROOM_MAX_CHARS . ' characters');
        }
        if ($lifetime <= 0) {
            throw new \InvalidArgumentException('lifetime must be positive');
        }
        $unknown = array_diff(array_keys($optional), self::OPTIONAL_CLAIMS);
        if ($unknown) {
            throw new \InvalidArgumentException('unknown optional claim ' . implode(', ', $unknown));
        }
        if (isset($optional['stage_mode']) && $optional['stage_mode'] !== ''
                && !in_array($optional['stage_mode'], instance::STAGE_MODES, true)) {
            throw new \InvalidArgumentException("unknown stage_mode '{$optional['stage_mode']}'");
        }

        if (isset($optional['callback']) && $optional['callback'] !== '' && !self::is_callback_url($optional['callback'])) {
            throw new \InvalidArgumentException('callback must be an http or https URL');
        }

        $claims = [
            'iss' => $siteid,
            'aud' => self::AUDIENCE,
            'sub' => $userid,
            'name' => self::display_name($name),
            'role' => $role,
            'room' => $room,
            'iat' => $issuedat,
            'exp' => $issuedat + $lifetime,
            'jti' => $jti,
        ];
        foreach (self::OPTIONAL_CLAIMS as $key) {
            if (!isset($optional[$key]) || $optional[$key] === '') {
                continue;
            }
            if ($key === 'nbf') {
                $claims[$key] = (int) $optional[$key];
            } else if ($key === 'features') {
                $claims[$key] = self::features_claim((array) $optional[$key]);
            } else {
                $claims[$key] = (string) $optional[$key];
            }
        }
        return $claims;
    }

    /**
     * The `features` claim: every switch named, in the order chat, reactions, polls; one
     * missing from `$features` is on.
     *
     * @param array $features e.g. ['chat' => true, 'reactions' => false, 'polls' => true]
     * @return bool[]
     */
    public static function features_claim(array $features): array {
        $claim = [];
        foreach (array_keys(instance::FEATURES) as $name) {
            $claim[$name] = !array_key_exists($name, $features) || !empty($features[$name]);
        }
        return $claim;
    }

    /**
     * The optional claims that come from the activity's settings: the stage mode the room
     * starts in and which of chat, reactions and polls it offers.
     *
     * @param \stdClass $podium The podium record.
     * @return array For {@see self::claims()}'s `$optional`.
     */
    public static function activity_claims(\stdClass $podium): array {
        return [
            'stage_mode' => instance::stage_mode($podium->stagemode ?? ''),
            'features' => instance::features($podium),
        ];
    }

    /**
     * Whether the server takes this as an attendance callback: an http or https URL without
     * spaces, at most {@see self::CALLBACK_MAX_BYTES} long.
     *
     * @param string $url
     * @return bool
     */
    public static function is_callback_url(string $url): bool {
        return strlen($url) <= self::CALLBACK_MAX_BYTES
            && preg_match('~^https?://[^\s\x00-\x1f\x7f]+$~', $url) === 1;
    }

    /**
     * Sign claims with the shared secret, using the JWT library Moodle ships.
     *
     * @param array $claims From {@see self::claims()}.
     * @param string $secret The secret shared with the Podium server.
     * @return string The compact JWT.
     */
    public static function sign(array $claims, string $secret): string {
        if ($secret === '') {
            throw new \InvalidArgumentException('the shared secret is not set');
        }
        return \Firebase\JWT\JWT::encode($claims, $secret, self::ALGORITHM);
    }

    /**
     * Sign a token for the current user entering one activity. This is the only part that
     * reads Moodle's state.
     *
     * @param \stdClass $podium The podium record.
     * @param \cm_info|\stdClass $cm The course module.
     * @param \context_module $context The module context.
     * @param \stdClass $user The user entering (normally $USER).
     * @return string The compact JWT.
     */
    public static function for_user(\stdClass $podium, $cm, \context_module $context, \stdClass $user): string {
        global $CFG, $PAGE;

        $config = get_config('mod_podium');
        $siteid = self::site_id($CFG->wwwroot);
        $role = self::role(
            has_capability('mod/podium:moderate', $context, $user),
            has_capability('mod/podium:present', $context, $user)
        );

        $optional = self::activity_claims($podium) + [
            'locale' => current_language(),
            'room_title' => format_string($podium->name, true, ['context' => $context, 'escape' => false]),
            'callback' => (new \moodle_url('/mod/podium/callback.php'))->out(false),
        ];
        if (!empty($user->picture)) {
            $picture = new \user_picture($user);
            $picture->size = 100;
            $optional['picture'] = $picture->get_url($PAGE)->out(false);
        }

        $claims = self::claims(
            $siteid,
            (string) $user->id,
            fullname($user),
            $role,
            self::room_id($siteid, (int) $cm->id),
            time(),
            self::lifetime($config->tokenlifetime ?? self::LIFETIME_DEFAULT),
            self::new_jti(),
            $optional
        );
        return self::sign($claims, (string) ($config->secret ?? ''));
    }
}
