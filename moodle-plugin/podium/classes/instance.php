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

namespace mod_podium;

/**
 * A Podium activity's record: saving, deleting and viewing it.
 *
 * @package    mod_podium
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class instance {
    /** @var string Anyone may join the stage at any time. */
    const STAGE_OPEN = 'open';
    /** @var string Attendees ask; a moderator approves or declines. */
    const STAGE_REQUEST = 'request';
    /** @var string Only a moderator's invitation brings an attendee on stage. */
    const STAGE_INVITE = 'invite';
    /** @var string[] The stage modes, as the token's `stage_mode` names them. */
    const STAGE_MODES = [self::STAGE_OPEN, self::STAGE_REQUEST, self::STAGE_INVITE];
    /** @var string The mode a new activity starts in. */
    const DEFAULT_STAGE_MODE = self::STAGE_REQUEST;

    /** @var string[] The on/off features of a room, as stored in the podium table. */
    const FEATURES = ['chat' => 'chatenabled', 'reactions' => 'reactionsenabled', 'polls' => 'pollsenabled'];

    /** @var string[] The tables that hold what was recorded about people, each by `podiumid` and `userid`. */
    const USER_DATA_TABLES = ['podium_attendance', 'podium_reports'];

    /**
     * A stored stage mode, or the default one when it is not a known mode.
     *
     * @param string|null $mode
     * @return string
     */
    public static function stage_mode(?string $mode): string {
        return in_array($mode, self::STAGE_MODES, true) ? $mode : self::DEFAULT_STAGE_MODE;
    }

    /**
     * The record to store, from the activity form's data: known stage mode, features 0 or 1,
     * times set.
     *
     * @param \stdClass $data The form's data (not changed).
     * @param int $now Seconds since the Unix epoch.
     * @return \stdClass
     */
    public static function normalise(\stdClass $data, int $now): \stdClass {
        $record = clone($data);
        $record->stagemode = self::stage_mode($data->stagemode ?? null);
        foreach (self::FEATURES as $field) {
            $record->$field = empty($data->$field) ? 0 : 1;
        }
        // A form whose completion settings are locked leaves them out: keep what is stored.
        if (isset($data->completionminutes)) {
            $record->completionminutes = max(0, (int) $data->completionminutes);
        }
        if (isset($data->completionpoll)) {
            $record->completionpoll = empty($data->completionpoll) ? 0 : 1;
        }
        if (empty($record->id) && empty($record->instance)) {
            $record->timecreated = $now;
        }
        $record->timemodified = $now;
        return $record;
    }

    /**
     * Which features are on, by their client names.
     *
     * @param \stdClass $podium The podium record.
     * @return bool[] e.g. ['chat' => true, 'reactions' => true, 'polls' => false]
     */
    public static function features(\stdClass $podium): array {
        $features = [];
        foreach (self::FEATURES as $name => $field) {
            $features[$name] = !empty($podium->$field);
        }
        return $features;
    }

    /**
     * The completion rules that are on, as the course module's custom data keeps them.
     *
     * @param \stdClass $podium The podium record.
     * @return int[] e.g. ['completionminutes' => 30, 'completionpoll' => 1]
     */
    public static function completion_rules(\stdClass $podium): array {
        $rules = [];
        if (!empty($podium->completionminutes)) {
            $rules['completionminutes'] = (int) $podium->completionminutes;
        }
        if (!empty($podium->completionpoll)) {
            $rules['completionpoll'] = 1;
        }
        return $rules;
    }

    /**
     * Add an activity (podium_add_instance).
     *
     * @param \stdClass $data The activity form's data.
     * @return int The new record's id.
     */
    public static function add(\stdClass $data): int {
        global $DB;
        $record = self::normalise($data, time());
        return (int) $DB->insert_record('podium', $record);
    }

    /**
     * Update an activity (podium_update_instance).
     *
     * @param \stdClass $data The activity form's data; `instance` is the record's id.
     * @return bool
     */
    public static function update(\stdClass $data): bool {
        global $DB;
        $record = self::normalise($data, time());
        $record->id = $data->instance;
        unset($record->timecreated);
        return $DB->update_record('podium', $record);
    }

    /**
     * Delete an activity and everything recorded for it (podium_delete_instance).
     *
     * @param int $id The podium record's id.
     * @return bool False when there is no such activity.
     */
    public static function delete(int $id): bool {
        global $DB;
        if (!$DB->record_exists('podium', ['id' => $id])) {
            return false;
        }
        // The course module still exists while its instance is deleted.
        $cm = get_coursemodule_from_instance('podium', $id, 0, false, IGNORE_MISSING);
        if ($cm) {
            room_forget::send((int) $cm->id);
        }
        foreach (self::USER_DATA_TABLES as $table) {
            $DB->delete_records($table, ['podiumid' => $id]);
        }
        $DB->delete_records('podium', ['id' => $id]);
        return true;
    }

    /**
     * Remove what was recorded about people in a course's activities, and empty their rooms on
     * the server, when the course is reset with those options chosen (podium_reset_userdata).
     *
     * @param \stdClass $data The course reset form's data.
     * @return array The status of each item reset, as the course reset shows it.
     */
    public static function reset_userdata(\stdClass $data): array {
        global $DB;
        $status = [];
        if (!empty($data->reset_podium_attendance)) {
            foreach (self::USER_DATA_TABLES as $table) {
                $DB->delete_records_select($table, 'podiumid IN (SELECT id FROM {podium} WHERE course = :courseid)',
                    ['courseid' => $data->courseid]);
            }
            $status[] = [
                'component' => get_string('modulenameplural', 'mod_podium'),
                'item' => get_string('resetattendance', 'mod_podium'),
                'error' => false,
            ];
        }
        if (!empty($data->reset_podium_rooms)) {
            // Each activity's room starts empty: its chat, polls and links go on the server.
            $failed = false;
            foreach (get_coursemodules_in_course('podium', $data->courseid) as $cm) {
                $failed = !room_forget::send((int) $cm->id) || $failed;
            }
            $status[] = [
                'component' => get_string('modulenameplural', 'mod_podium'),
                'item' => get_string('resetrooms', 'mod_podium'),
                'error' => $failed,
            ];
        }
        return $status;
    }

    /**
     * Record that the activity was viewed: the event, and view completion.
     *
     * @param \stdClass $podium The podium record.
     * @param \stdClass $course The course.
     * @param \cm_info|\stdClass $cm The course module.
     * @param \context_module $context The module context.
     */
    public static function viewed(\stdClass $podium, \stdClass $course, $cm, \context_module $context): void {
        global $CFG;
        require_once($CFG->libdir . '/completionlib.php');

        $event = event\course_module_viewed::create([
            'context' => $context,
            'objectid' => $podium->id,
        ]);
        $event->add_record_snapshot('course', $course);
        $event->add_record_snapshot('podium', $podium);
        $event->trigger();

        $completion = new \completion_info($course);
        $completion->set_module_viewed($cm);
    }
}
