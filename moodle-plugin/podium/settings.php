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

/**
 * Site-wide settings of mod_podium: where the Podium server is and the secret shared with it.
 *
 * @package    mod_podium
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

if ($ADMIN->fulltree) {
    // What the Podium server must allow: this site's scheme, host and port.
    $site = parse_url($CFG->wwwroot);
    $origin = ($site['scheme'] ?? 'https') . '://' . ($site['host'] ?? '') . (isset($site['port']) ? ':' . $site['port'] : '');
    $settings->add(new admin_setting_heading(
        'mod_podium/serverheading',
        get_string('settings:server', 'mod_podium'),
        get_string('settings:server_desc', 'mod_podium', [
            'siteid' => \mod_podium\token::site_id($CFG->wwwroot),
            'origin' => $origin,
            'callback' => (new moodle_url('/mod/podium/callback.php'))->out(false),
        ])
    ));

    $settings->add(new admin_setting_configtext(
        'mod_podium/serverurl',
        get_string('settings:serverurl', 'mod_podium'),
        get_string('settings:serverurl_desc', 'mod_podium'),
        '',
        PARAM_URL,
        60
    ));

    $settings->add(new admin_setting_configpasswordunmask(
        'mod_podium/secret',
        get_string('settings:secret', 'mod_podium'),
        get_string('settings:secret_desc', 'mod_podium'),
        ''
    ));

    $settings->add(new admin_setting_configtext(
        'mod_podium/tokenlifetime',
        get_string('settings:tokenlifetime', 'mod_podium'),
        get_string('settings:tokenlifetime_desc', 'mod_podium', [
            'min' => \mod_podium\token::LIFETIME_MIN,
            'max' => \mod_podium\token::LIFETIME_MAX,
        ]),
        \mod_podium\token::LIFETIME_DEFAULT,
        PARAM_INT,
        6
    ));
}
