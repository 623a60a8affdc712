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
 * What the recorded attendance adds up to, per user: for the moderators' report and the
 * completion rules.
 *
 * @package    mod_podium
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class summary {
    /**
     * Add up visits by user. A visit still open counts until `$now`.
     *
     * @param \stdClass[] $visits podium_attendance records.
     * @param int $now Seconds since the Unix epoch.
     * @return \stdClass[] By user id: userid, visits, seconds, stageseconds, firstjoined,
     *     lastseen, present (in the room now); in order of first arrival.
     */
    public static function by_user(array $visits, int $now): array {
        usort($visits, function ($a, $b) {
            return [(int) $a->timejoined, (int) $a->id] <=> [(int) $b->timejoined, (int) $b->id];
        });
        $rows = [];
        foreach ($visits as $visit) {
            $userid = (int) $visit->userid;
            if (!isset($rows[$userid])) {
                $rows[$userid] = (object) [
                    'userid' => $userid,
                    'visits' => 0,
                    'seconds' => 0,
                    'stageseconds' => 0,
                    'firstjoined' => (int) $visit->timejoined,
                    'lastseen' => (int) $visit->timejoined,
                    'present' => false,
                ];
            }
            $row = $rows[$userid];
            $open = $visit->timeleft === null;
            $until = $open ? max($now, (int) $visit->timejoined) : (int) $visit->timeleft;
            $row->visits++;
            $row->seconds += $until - (int) $visit->timejoined;
            $row->stageseconds += (int) $visit->stageseconds;
            $row->lastseen = max($row->lastseen, $until);
            $row->present = $row->present || $open;
        }
        return $rows;
    }

    /**
     * Seconds a user spent in the room over the visits that ended: what the "attended for at
     * least N minutes" completion rule counts.
     *
     * @param \moodle_database $db
     * @param int $podiumid
     * @param int $userid
     * @return int
     */
    public static function seconds_attended($db, int $podiumid, int $userid): int {
        $sql = 'SELECT COALESCE(SUM(timeleft - timejoined), 0)
                  FROM {podium_attendance}
                 WHERE podiumid = :podiumid AND userid = :userid AND timeleft IS NOT NULL';
        return (int) $db->get_field_sql($sql, ['podiumid' => $podiumid, 'userid' => $userid]);
    }

    /**
     * How many poll answers of a user were reported.
     *
     * @param \moodle_database $db
     * @param int $podiumid
     * @param int $userid
     * @return int
     */
    public static function polls_answered($db, int $podiumid, int $userid): int {
        return (int) $db->count_records('podium_reports',
            ['podiumid' => $podiumid, 'userid' => $userid, 'type' => 'poll_answer']);
    }

    /**
     * Whole minutes, rounded down, for showing.
     *
     * @param int $seconds
     * @return int
     */
    public static function minutes(int $seconds): int {
        return intdiv(max(0, $seconds), 60);
    }
}
