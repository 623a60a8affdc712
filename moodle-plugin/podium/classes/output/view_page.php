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

use mod_podium\token;

/**
 * What the activity page shows: the mounted client, or a plain explanation of why not.
 *
 * The client is an ES module served by the Podium server at {@see self::CLIENT_PATH}. It
 * exports `mount(element)` and reads its configuration from the element's data attributes:
 * `data-ws-url` (the server's WebSocket), `data-token` (the join token), `data-locale` and
 * `data-strings` (a JSON object of its strings). Which of chat, reactions and polls are on
 * reaches the room in the token and the client from the server.
 *
 * @package    mod_podium
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class view_page implements \renderable, \core\output\named_templatable {
    /** @var string Path of the client's entry module on the Podium server. */
    const CLIENT_PATH = '/client/podium.js';
    /** @var string Path of the server's WebSocket (the client turns http(s) into ws(s)). */
    const SOCKET_PATH = '/ws';

    /** @var string The client can be mounted. */
    const STATE_MOUNT = 'mount';
    /** @var string The user may see the activity but not take part. */
    const STATE_NO_JOIN = 'nojoin';
    /** @var string The site is not connected to a Podium server. */
    const STATE_NOT_CONFIGURED = 'notconfigured';

    /** @var string One of the STATE_ constants. */
    protected $state;
    /** @var string A message to show instead of the client. */
    protected $message = '';
    /** @var array What the mounted client is given. */
    protected $mount = [];

    /**
     * Use {@see self::mount()} or {@see self::message()}.
     *
     * @param string $state One of the STATE_ constants.
     */
    protected function __construct(string $state) {
        $this->state = $state;
    }

    /**
     * What to show, given what the user may do and how the site is set up.
     *
     * @param bool $canjoin Whether the user holds mod/podium:join.
     * @param string $serverurl The configured server address.
     * @param string $secret The configured shared secret.
     * @return string One of the STATE_ constants.
     */
    public static function decide(bool $canjoin, string $serverurl, string $secret): string {
        if (!$canjoin) {
            return self::STATE_NO_JOIN;
        }
        if (trim($serverurl) === '' || $secret === '') {
            return self::STATE_NOT_CONFIGURED;
        }
        return self::STATE_MOUNT;
    }

    /**
     * A page that mounts the client.
     *
     * @param string $serverurl The Podium server's address.
     * @param string $token The signed join token.
     * @param string $locale The user's language.
     * @param string[] $strings The client's strings, by client key.
     * @param string[] $texts The page's own texts: `loading`, `unreachable`, `noscript`.
     * @return self
     */
    public static function mount(string $serverurl, string $token, string $locale, array $strings,
            array $texts): self {
        $page = new self(self::STATE_MOUNT);
        $serverurl = rtrim(trim($serverurl), '/');
        $page->mount = [
            'clienturl' => $serverurl . self::CLIENT_PATH,
            'wsurl' => $serverurl . self::SOCKET_PATH,
            'token' => $token,
            'locale' => $locale,
            'stringsjson' => json_encode((object) $strings, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE),
            'loading' => $texts['loading'] ?? '',
            'unreachable' => $texts['unreachable'] ?? '',
            'noscript' => $texts['noscript'] ?? '',
        ];
        return $page;
    }

    /**
     * A page that explains why the client is not shown.
     *
     * @param string $state {@see self::STATE_NO_JOIN} or {@see self::STATE_NOT_CONFIGURED}.
     * @param string $message The explanation.
     * @return self
     */
    public static function message(string $state, string $message): self {
        $page = new self($state);
        $page->message = $message;
        return $page;
    }

    /**
     * Build the page for the current user. This is the part that reads Moodle's state.
     *
     * @param \stdClass $podium The podium record.
     * @param \cm_info|\stdClass $cm The course module.
     * @param \context_module $context The module context.
     * @param \stdClass $user The user (normally $USER).
     * @return self
     */
    public static function for_user(\stdClass $podium, $cm, \context_module $context, \stdClass $user): self {
        $config = get_config('mod_podium');
        $serverurl = (string) ($config->serverurl ?? '');
        $state = self::decide(
            has_capability('mod/podium:join', $context, $user),
            $serverurl,
            (string) ($config->secret ?? '')
        );
        if ($state === self::STATE_NO_JOIN) {
            return self::message($state, get_string('nojoin', 'mod_podium'));
        }
        if ($state === self::STATE_NOT_CONFIGURED) {
            $admin = has_capability('moodle/site:config', \context_system::instance(), $user);
            $message = $admin
                ? get_string('notconfigured_admin', 'mod_podium',
                    (new \moodle_url('/admin/settings.php', ['section' => 'modsettingpodium']))->out(false))
                : get_string('notconfigured', 'mod_podium');
            return self::message($state, $message);
        }
        return self::mount(
            $serverurl,
            token::for_user($podium, $cm, $context, $user),
            current_language(),
            client_strings::collect(function (string $identifier): string {
                return get_string($identifier, 'mod_podium');
            }),
            [
                'loading' => get_string('loading', 'mod_podium'),
                'unreachable' => get_string('unreachable', 'mod_podium'),
                'noscript' => get_string('noscript', 'mod_podium'),
            ]
        );
    }

    /**
     * The state of the page.
     *
     * @return string One of the STATE_ constants.
     */
    public function get_state(): string {
        return $this->state;
    }

    /**
     * The template that renders the page.
     *
     * @param \renderer_base $renderer
     * @return string
     */
    public function get_template_name($renderer): string {
        return 'mod_podium/view';
    }

    /**
     * The template's context.
     *
     * @param \renderer_base $output
     * @return array
     */
    public function export_for_template($output): array {
        return [
            'id' => 'podium-' . bin2hex(random_bytes(6)),
            'state' => $this->state,
            'message' => $this->message === '' ? false : [
                'text' => $this->message,
                'type' => $this->state === self::STATE_NOT_CONFIGURED ? 'warning' : 'info',
            ],
            'mount' => $this->state === self::STATE_MOUNT ? $this->mount : false,
        ];
    }
}
