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
 * Where the Podium server reports attendance: joins, leaves, time on stage and poll answers
 * (docs/attendance.md). Called by the server, not by people: no session, no login; each call
 * is signed with the secret the site shares with the server.
 *
 * @package    mod_podium
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

// phpcs:ignore moodle.Files.RequireLogin.Missing -- the server proves itself by its signature.
define('NO_MOODLE_COOKIES', true);
define('NO_DEBUG_DISPLAY', true);

require(__DIR__ . '/../../config.php');

[$status, $answer] = \mod_podium\attendance\endpoint::handle(
    $_SERVER['REQUEST_METHOD'] ?? '',
    $_SERVER['HTTP_X_PODIUM_TIMESTAMP'] ?? '',
    $_SERVER['HTTP_X_PODIUM_SIGNATURE'] ?? '',
    (string) file_get_contents('php://input'),
    time()
);
http_response_code($status);
header('Content-Type: application/json; charset=utf-8');
header('Cache-Control: no-store');
echo json_encode($answer);
