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
 * The functions Moodle calls by name; each hands over to a class.
 *
 * @package    mod_podium
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

use mod_podium\instance;

/**
 * The features this activity supports.
 *
 * Groups are not supported: one activity is one room. The completion rules (attended for at
 * least N minutes, answered a poll) come from the server's attendance reports.
 *
 * @param string $feature FEATURE_xx constant.
 * @return mixed True or false, a purpose for FEATURE_MOD_PURPOSE, null when unknown.
 */
function podium_supports($feature) {
    switch ($feature) {
        case FEATURE_MOD_INTRO:
        case FEATURE_SHOW_DESCRIPTION:
        case FEATURE_BACKUP_MOODLE2:
        case FEATURE_COMPLETION_TRACKS_VIEWS:
        case FEATURE_COMPLETION_HAS_RULES:
            return true;
        case FEATURE_GROUPS:
        case FEATURE_GROUPINGS:
        case FEATURE_GRADE_HAS_GRADE:
        case FEATURE_GRADE_OUTCOMES:
            return false;
        case FEATURE_MOD_PURPOSE:
            return MOD_PURPOSE_COMMUNICATION;
        default:
            return null;
    }
}

/**
 * Add a Podium activity.
 *
 * @param stdClass $data The activity form's data.
 * @param mod_podium_mod_form|null $mform The form.
 * @return int The new instance's id.
 */
function podium_add_instance(stdClass $data, $mform = null) {
    return instance::add($data);
}

/**
 * Update a Podium activity.
 *
 * @param stdClass $data The activity form's data.
 * @param mod_podium_mod_form|null $mform The form.
 * @return bool
 */
function podium_update_instance(stdClass $data, $mform = null) {
    return instance::update($data);
}

/**
 * Delete a Podium activity and what was recorded for it.
 *
 * @param int $id The instance's id.
 * @return bool
 */
function podium_delete_instance($id) {
    return instance::delete((int) $id);
}

/**
 * What the course page needs to know of an activity: its completion rules.
 *
 * @param stdClass $coursemodule The course module.
 * @return cached_cm_info|false
 */
function podium_get_coursemodule_info($coursemodule) {
    global $DB;
    $podium = $DB->get_record('podium', ['id' => $coursemodule->instance],
        'id, name, intro, introformat, completionminutes, completionpoll');
    if (!$podium) {
        return false;
    }
    $info = new cached_cm_info();
    $info->name = $podium->name;
    if ($coursemodule->showdescription) {
        $info->content = format_module_intro('podium', $podium, $coursemodule->id, false);
    }
    if ($coursemodule->completion == COMPLETION_TRACKING_AUTOMATIC) {
        $info->customdata['customcompletionrules'] = instance::completion_rules($podium);
    }
    return $info;
}

/**
 * Add the moderators' attendance report to the activity's menu.
 *
 * @param settings_navigation $settings
 * @param navigation_node $node The activity's node.
 */
function podium_extend_settings_navigation(settings_navigation $settings, navigation_node $node) {
    $cm = $settings->get_page()->cm;
    if ($cm && has_capability('mod/podium:moderate', $cm->context)) {
        $node->add(get_string('attendancereport', 'mod_podium'),
            new moodle_url('/mod/podium/report.php', ['id' => $cm->id]),
            navigation_node::TYPE_SETTING, null, 'podiumattendance');
    }
}

/**
 * Add the reset options for this module to the course reset form.
 *
 * @param MoodleQuickForm $mform The course reset form.
 */
function podium_reset_course_form_definition(&$mform) {
    $mform->addElement('header', 'podiumheader', get_string('modulenameplural', 'mod_podium'));
    $mform->addElement('advcheckbox', 'reset_podium_attendance', get_string('resetattendance', 'mod_podium'));
    $mform->addElement('advcheckbox', 'reset_podium_rooms', get_string('resetrooms', 'mod_podium'));
}

/**
 * The course reset form's defaults for this module.
 *
 * @param stdClass $course The course.
 * @return array
 */
function podium_reset_course_form_defaults($course) {
    return ['reset_podium_attendance' => 1, 'reset_podium_rooms' => 1];
}

/**
 * Remove user data from the course's Podium activities when the course is reset.
 *
 * @param stdClass $data The course reset form's data.
 * @return array The status of each item reset.
 */
function podium_reset_userdata($data) {
    return instance::reset_userdata($data);
}
