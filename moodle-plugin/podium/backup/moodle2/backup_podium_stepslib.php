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
 * The backup structure of a Podium activity.
 *
 * @package    mod_podium
 * @category   backup
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

/**
 * Defines podium.xml: the activity's settings and, with user data, its attendance records.
 */
class backup_podium_activity_structure_step extends backup_activity_structure_step {
    /**
     * Define the structure.
     *
     * @return backup_nested_element
     */
    protected function define_structure() {
        $userinfo = $this->get_setting_value('userinfo');

        $podium = new backup_nested_element('podium', ['id'], [
            'name', 'intro', 'introformat', 'stagemode', 'chatenabled', 'reactionsenabled', 'pollsenabled',
            'completionminutes', 'completionpoll', 'timecreated', 'timemodified',
        ]);
        $attendances = new backup_nested_element('attendances');
        $attendance = new backup_nested_element('attendance', ['id'], [
            'userid', 'timejoined', 'timeleft', 'stageseconds', 'pollanswers', 'timemodified',
        ]);

        $reports = new backup_nested_element('reports');
        $report = new backup_nested_element('report', ['id'], [
            'userid', 'reportid', 'type', 'pollid', 'timereported', 'timecreated',
        ]);

        $podium->add_child($attendances);
        $attendances->add_child($attendance);
        $podium->add_child($reports);
        $reports->add_child($report);

        $podium->set_source_table('podium', ['id' => backup::VAR_ACTIVITYID]);
        if ($userinfo) {
            $attendance->set_source_table('podium_attendance', ['podiumid' => backup::VAR_PARENTID], 'id ASC');
            $report->set_source_table('podium_reports', ['podiumid' => backup::VAR_PARENTID], 'id ASC');
        }

        $attendance->annotate_ids('user', 'userid');
        $report->annotate_ids('user', 'userid');
        $podium->annotate_files('mod_podium', 'intro', null);

        return $this->prepare_activity_structure($podium);
    }
}
