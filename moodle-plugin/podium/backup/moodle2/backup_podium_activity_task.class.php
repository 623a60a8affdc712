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
 * The backup task of a Podium activity.
 *
 * @package    mod_podium
 * @category   backup
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

require_once($CFG->dirroot . '/mod/podium/backup/moodle2/backup_podium_stepslib.php');

/**
 * Backs up one Podium activity: its settings and, with user data, its attendance records.
 */
class backup_podium_activity_task extends backup_activity_task {
    /**
     * No settings of its own.
     */
    protected function define_my_settings() {
    }

    /**
     * One step writes podium.xml.
     */
    protected function define_my_steps() {
        $this->add_step(new backup_podium_activity_structure_step('podium_structure', 'podium.xml'));
    }

    /**
     * Encode links to the activity's pages so that restore can point them at the new copy.
     *
     * @param string $content HTML that may contain links.
     * @return string
     */
    public static function encode_content_links($content) {
        global $CFG;
        $base = preg_quote($CFG->wwwroot . '/mod/podium', '#');
        $content = preg_replace('#(' . $base . '/index\.php\?id=)([0-9]+)#', '$@PODIUMINDEX*$2@$', $content);
        $content = preg_replace('#(' . $base . '/view\.php\?id=)([0-9]+)#', '$@PODIUMVIEWBYID*$2@$', $content);
        return $content;
    }
}
