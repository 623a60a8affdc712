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

use mod_podium\attendance\summary;

/**
 * The moderators' attendance report: who came to the live session, for how long, how long on
 * stage, and how many polls they answered.
 *
 * @package    mod_podium
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class attendance_report implements \renderable, \core\output\named_templatable {
    /** @var \stdClass[] Rows from {@see self::rows()}, each with a `name`. */
    protected $rows;

    /**
     * @param \stdClass[] $rows Rows from {@see self::rows()}, each with a `name` added.
     */
    public function __construct(array $rows) {
        $this->rows = array_values($rows);
    }

    /**
     * The report of one activity.
     *
     * @param \stdClass $podium The podium record.
     * @param int $now Seconds since the Unix epoch.
     * @return self
     */
    public static function for_activity(\stdClass $podium, int $now): self {
        global $DB;
        $rows = self::rows($DB, (int) $podium->id, $now);
        if ($rows) {
            $users = $DB->get_records_list('user', 'id', array_keys($rows));
            foreach ($rows as $userid => $row) {
                $row->name = isset($users[$userid])
                    ? fullname($users[$userid])
                    : get_string('unknownuser', 'mod_podium', $userid);
            }
        }
        return new self($rows);
    }

    /**
     * The report's figures by user, before names are added: the visits added up, and the poll
     * answers counted from the recorded reports, as the completion rule counts them.
     *
     * @param \moodle_database $db Moodle's database (or one with the same methods).
     * @param int $podiumid
     * @param int $now Seconds since the Unix epoch.
     * @return \stdClass[] Rows from {@see summary::by_user()}, each with `pollanswers`.
     */
    public static function rows($db, int $podiumid, int $now): array {
        $rows = summary::by_user($db->get_records('podium_attendance', ['podiumid' => $podiumid]), $now);
        $sql = 'SELECT userid, COUNT(1)
                  FROM {podium_reports}
                 WHERE podiumid = :podiumid AND type = :type
              GROUP BY userid';
        $answers = $db->get_records_sql_menu($sql, ['podiumid' => $podiumid, 'type' => 'poll_answer']);
        foreach ($rows as $userid => $row) {
            $row->pollanswers = (int) ($answers[$userid] ?? 0);
        }
        return $rows;
    }

    /**
     * The template that renders the report.
     *
     * @param \renderer_base $renderer
     * @return string
     */
    public function get_template_name($renderer): string {
        return 'mod_podium/attendance_report';
    }

    /**
     * The template's context.
     *
     * @param \renderer_base $output
     * @return array
     */
    public function export_for_template($output): array {
        $rows = [];
        foreach ($this->rows as $row) {
            $rows[] = [
                'name' => $row->name,
                'visits' => $row->visits,
                'minutes' => summary::minutes($row->seconds),
                'stageminutes' => summary::minutes($row->stageseconds),
                'pollanswers' => $row->pollanswers,
                'firstjoined' => $row->firstjoined,
                'lastseen' => $row->lastseen,
                'present' => $row->present,
            ];
        }
        return ['rows' => $rows, 'hasrows' => !empty($rows)];
    }
}
