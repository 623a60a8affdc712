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
 * The restore structure of a Podium activity.
 *
 * @package    mod_podium
 * @category   backup
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

/**
 * Reads podium.xml back: the activity's settings and, with user data, its attendance records.
 */
class restore_podium_activity_structure_step extends restore_activity_structure_step {
    /**
     * Define the paths to process.
     *
     * @return restore_path_element[]
     */
    protected function define_structure() {
        $paths = [new restore_path_element('podium', '/activity/podium')];
        if ($this->get_setting_value('userinfo')) {
            $paths[] = new restore_path_element('podium_attendance', '/activity/podium/attendances/attendance');
            $paths[] = new restore_path_element('podium_report', '/activity/podium/reports/report');
        }
        return $this->prepare_activity_structure($paths);
    }

    /**
     * Restore the activity's record.
     *
     * @param array $data
     */
    protected function process_podium($data) {
        global $DB;
        $data = (object) $data;
        $data->course = $this->get_courseid();
        $data->stagemode = \mod_podium\instance::stage_mode($data->stagemode ?? null);
        $newitemid = $DB->insert_record('podium', $data);
        $this->apply_activity_instance($newitemid);
    }

    /**
     * Restore one attendance record.
     *
     * @param array $data
     */
    protected function process_podium_attendance($data) {
        global $DB;
        $data = (object) $data;
        $data->podiumid = $this->get_new_parentid('podium');
        $data->userid = $this->get_mappingid('user', $data->userid);
        if (!$data->userid) {
            return;
        }
        $DB->insert_record('podium_attendance', $data);
    }

    /**
     * Restore one attendance report. Report ids are unique on the site, so the copy gets its own.
     *
     * @param array $data
     */
    protected function process_podium_report($data) {
        global $DB;
        $data = (object) $data;
        $oldid = $data->id;
        $data->podiumid = $this->get_new_parentid('podium');
        $data->userid = $this->get_mappingid('user', $data->userid);
        if (!$data->userid) {
            return;
        }
        $data->reportid = 'restored-' . $data->podiumid . '-' . $oldid;
        $DB->insert_record('podium_reports', $data);
    }

    /**
     * Restore the intro's files.
     */
    protected function after_execute() {
        $this->add_related_files('mod_podium', 'intro', null);
    }
}
