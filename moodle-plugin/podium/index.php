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
 * The list of a course's Podium activities.
 *
 * @package    mod_podium
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

require(__DIR__ . '/../../config.php');

$id = required_param('id', PARAM_INT);

$course = $DB->get_record('course', ['id' => $id], '*', MUST_EXIST);
require_course_login($course, true);
$PAGE->set_pagelayout('incourse');

$event = \mod_podium\event\course_module_instance_list_viewed::create(['context' => context_course::instance($course->id)]);
$event->add_record_snapshot('course', $course);
$event->trigger();

$strplural = get_string('modulenameplural', 'mod_podium');
$PAGE->set_url('/mod/podium/index.php', ['id' => $course->id]);
$PAGE->set_title(format_string($course->shortname) . ': ' . $strplural);
$PAGE->set_heading(format_string($course->fullname));
$PAGE->navbar->add($strplural);

echo $OUTPUT->header();
echo $OUTPUT->heading($strplural);

$podiums = get_all_instances_in_course('podium', $course);
if (!$podiums) {
    notice(get_string('thereareno', 'moodle', $strplural), new moodle_url('/course/view.php', ['id' => $course->id]));
    exit;
}

$usesections = course_format_uses_sections($course->format);
$table = new html_table();
$table->attributes['class'] = 'generaltable mod_index';
$table->head = [
    $usesections ? course_get_format($course)->get_generic_section_name() : '',
    get_string('name'),
    get_string('stagemode', 'mod_podium'),
    get_string('moduleintro'),
];

$modinfo = get_fast_modinfo($course);
foreach ($podiums as $podium) {
    $cm = $modinfo->get_cm($podium->coursemodule);
    $section = $usesections && $podium->section ? get_section_name($course, $podium->section) : '';
    $link = html_writer::link(
        new moodle_url('/mod/podium/view.php', ['id' => $cm->id]),
        format_string($podium->name, true, ['context' => $cm->context]),
        $cm->visible ? [] : ['class' => 'dimmed']
    );
    $table->data[] = [
        $section,
        $link,
        get_string('stagemode_' . \mod_podium\instance::stage_mode($podium->stagemode), 'mod_podium'),
        format_module_intro('podium', $podium, $cm->id),
    ];
}

echo html_writer::table($table);
echo $OUTPUT->footer();
