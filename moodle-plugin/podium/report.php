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
 * The moderators' attendance report of a Podium activity.
 *
 * @package    mod_podium
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

require(__DIR__ . '/../../config.php');

use mod_podium\output\attendance_report;

$id = required_param('id', PARAM_INT);

[$course, $cm] = get_course_and_cm_from_cmid($id, 'podium');
$podium = $DB->get_record('podium', ['id' => $cm->instance], '*', MUST_EXIST);

require_login($course, false, $cm);
$context = context_module::instance($cm->id);
require_capability('mod/podium:moderate', $context);

$PAGE->set_url('/mod/podium/report.php', ['id' => $cm->id]);
$PAGE->set_title(format_string($podium->name) . ': ' . get_string('attendancereport', 'mod_podium'));
$PAGE->set_heading(format_string($course->fullname));
$PAGE->set_activity_record($podium);

echo $OUTPUT->header();
echo $OUTPUT->heading(get_string('attendancereport', 'mod_podium'));
echo $OUTPUT->render(attendance_report::for_activity($podium, time()));
echo $OUTPUT->footer();
