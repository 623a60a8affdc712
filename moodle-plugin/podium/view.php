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
 * The activity page: mounts the Podium client with a signed join token.
 *
 * @package    mod_podium
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

require(__DIR__ . '/../../config.php');

use mod_podium\instance;
use mod_podium\output\view_page;

$id = required_param('id', PARAM_INT);

[$course, $cm] = get_course_and_cm_from_cmid($id, 'podium');
$podium = $DB->get_record('podium', ['id' => $cm->instance], '*', MUST_EXIST);

require_login($course, true, $cm);
$context = context_module::instance($cm->id);
require_capability('mod/podium:view', $context);

instance::viewed($podium, $course, $cm, $context);

$PAGE->set_url('/mod/podium/view.php', ['id' => $cm->id]);
$PAGE->set_title(format_string($course->shortname) . ': ' . format_string($podium->name));
$PAGE->set_heading(format_string($course->fullname));
$PAGE->set_activity_record($podium);
// The join token is single-use and short-lived: never let a browser cache the page.
$PAGE->set_cacheable(false);

$page = view_page::for_user($podium, $cm, $context, $USER);

echo $OUTPUT->header();
echo $OUTPUT->render($page);
echo $OUTPUT->footer();
