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

use mod_podium\token;

/**
 * The attendance endpoint (callback.php): checks a call from the Podium server, records its
 * reports and brings the completion of the users they name up to date.
 *
 * Answers: 200 recorded (a report already recorded is skipped), 400 a body that is not a
 * valid batch, 401 a bad signature or a timestamp too far from the site's clock, 404 no such
 * activity on this site, 405 not a POST, 503 the site has no shared secret. The server tries a
 * call again after 5xx answers and gives it up after other 4xx answers.
 *
 * @package    mod_podium
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class endpoint {
    /**
     * Handle one call.
     *
     * @param string $method The HTTP method.
     * @param string $timestamp The X-Podium-Timestamp header.
     * @param string $signature The X-Podium-Signature header.
     * @param string $body The raw body.
     * @param int $now Seconds since the Unix epoch.
     * @return array [HTTP status, the answer's JSON object as an array]
     */
    public static function handle(string $method, string $timestamp, string $signature, string $body, int $now): array {
        global $CFG, $DB;
        if ($method !== 'POST') {
            return [405, ['error' => 'only POST']];
        }
        $secret = (string) get_config('mod_podium', 'secret');
        if ($secret === '') {
            return [503, ['error' => 'the site has no shared secret for Podium']];
        }
        if (!signature::verify($secret, $timestamp, $signature, $body, $now)) {
            return [401, ['error' => 'bad signature or timestamp']];
        }
        try {
            $batch = batch::parse($body, token::site_id($CFG->wwwroot));
        } catch (\InvalidArgumentException $e) {
            return [400, ['error' => $e->getMessage()]];
        }
        $cm = get_coursemodule_from_id('podium', $batch->cmid);
        if (!$cm) {
            return [404, ['error' => 'no such activity']];
        }
        $recorder = new recorder($DB, (int) $cm->instance);
        $transaction = $DB->start_delegated_transaction();
        $recorded = $recorder->record_batch($batch->reports, $now);
        $transaction->allow_commit();
        self::update_completion($cm, array_values(array_unique(array_column($recorded, 'user'))));
        return [200, ['recorded' => count($recorded), 'skipped' => count($batch->reports) - count($recorded)]];
    }

    /**
     * Let the completion rules look again at these users.
     *
     * @param \stdClass $cm The course module.
     * @param int[] $userids
     */
    protected static function update_completion(\stdClass $cm, array $userids): void {
        global $CFG;
        if (!$userids) {
            return;
        }
        require_once($CFG->libdir . '/completionlib.php');
        $course = get_course($cm->course);
        $cminfo = get_fast_modinfo($course)->get_cm($cm->id);
        $completion = new \completion_info($course);
        if ($completion->is_enabled($cminfo) != COMPLETION_TRACKING_AUTOMATIC) {
            return;
        }
        foreach ($userids as $userid) {
            $completion->update_state($cminfo, COMPLETION_UNKNOWN, $userid);
        }
    }
}
