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

declare(strict_types=1);

namespace mod_podium\completion;

use core_completion\activity_custom_completion;
use mod_podium\attendance\summary;

/**
 * The completion rules of a Podium activity: attended the live session for at least N minutes
 * (over visits that ended), and answered a poll. Both come from the server's attendance reports.
 *
 * @package    mod_podium
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class custom_completion extends activity_custom_completion {
    /**
     * The state of one rule for the user.
     *
     * @param string $rule
     * @return int COMPLETION_COMPLETE or COMPLETION_INCOMPLETE.
     */
    public function get_state(string $rule): int {
        global $DB;
        $this->validate_rule($rule);
        $podiumid = (int) $this->cm->instance;
        if ($rule === 'completionminutes') {
            $minutes = (int) ($this->cm->customdata['customcompletionrules']['completionminutes'] ?? 0);
            $seconds = summary::seconds_attended($DB, $podiumid, (int) $this->userid);
            $done = self::attended_enough($seconds, $minutes);
        } else {
            $done = summary::polls_answered($DB, $podiumid, (int) $this->userid) > 0;
        }
        return $done ? COMPLETION_COMPLETE : COMPLETION_INCOMPLETE;
    }

    /**
     * Whether this much time in the room meets the rule.
     *
     * @param int $seconds Seconds attended.
     * @param int $minutes The rule's minutes.
     * @return bool
     */
    public static function attended_enough(int $seconds, int $minutes): bool {
        return $seconds >= max(0, $minutes) * 60;
    }

    /**
     * The rules this module defines.
     *
     * @return string[]
     */
    public static function get_defined_custom_rules(): array {
        return ['completionminutes', 'completionpoll'];
    }

    /**
     * How each rule is described to people.
     *
     * @return string[]
     */
    public function get_custom_rule_descriptions(): array {
        $minutes = (int) ($this->cm->customdata['customcompletionrules']['completionminutes'] ?? 0);
        return [
            'completionminutes' => get_string('completiondetail:minutes', 'mod_podium', $minutes),
            'completionpoll' => get_string('completiondetail:poll', 'mod_podium'),
        ];
    }

    /**
     * Every rule, in the order shown.
     *
     * @return string[]
     */
    public function get_sort_order(): array {
        return ['completionview', 'completionminutes', 'completionpoll'];
    }
}
