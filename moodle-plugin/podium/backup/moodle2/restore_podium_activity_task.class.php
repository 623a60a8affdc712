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
 * The restore task of a Podium activity.
 *
 * @package    mod_podium
 * @category   backup
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

require_once($CFG->dirroot . '/mod/podium/backup/moodle2/restore_podium_stepslib.php');

/**
 * Restores one Podium activity.
 */
class restore_podium_activity_task extends restore_activity_task {
    /**
     * No settings of its own.
     */
    protected function define_my_settings() {
    }

    /**
     * One step reads podium.xml.
     */
    protected function define_my_steps() {
        $this->add_step(new restore_podium_activity_structure_step('podium_structure', 'podium.xml'));
    }

    /**
     * The content that may hold encoded links.
     *
     * @return restore_decode_content[]
     */
    public static function define_decode_contents() {
        return [new restore_decode_content('podium', ['intro'], 'podium')];
    }

    /**
     * How encoded links are turned back into links.
     *
     * @return restore_decode_rule[]
     */
    public static function define_decode_rules() {
        return [
            new restore_decode_rule('PODIUMINDEX', '/mod/podium/index.php?id=$1', 'course'),
            new restore_decode_rule('PODIUMVIEWBYID', '/mod/podium/view.php?id=$1', 'course_module'),
        ];
    }

    /**
     * Restore rules for the activity's legacy log entries.
     *
     * @return restore_log_rule[]
     */
    public static function define_restore_log_rules() {
        return [
            new restore_log_rule('podium', 'add', 'view.php?id={course_module}', '{podium}'),
            new restore_log_rule('podium', 'update', 'view.php?id={course_module}', '{podium}'),
            new restore_log_rule('podium', 'view', 'view.php?id={course_module}', '{podium}'),
        ];
    }

    /**
     * Restore rules for the course's legacy log entries about this module.
     *
     * @return restore_log_rule[]
     */
    public static function define_restore_log_rules_for_course() {
        return [new restore_log_rule('podium', 'view all', 'index.php?id={course}', null)];
    }
}
