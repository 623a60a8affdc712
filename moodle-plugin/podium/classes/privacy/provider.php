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

namespace mod_podium\privacy;

use core_privacy\local\metadata\collection;
use core_privacy\local\request\approved_contextlist;
use core_privacy\local\request\approved_userlist;
use core_privacy\local\request\contextlist;
use core_privacy\local\request\helper;
use core_privacy\local\request\transform;
use core_privacy\local\request\userlist;
use core_privacy\local\request\writer;
use mod_podium\instance;

/**
 * What mod_podium stores about people and what it sends to the Podium server.
 *
 * @package    mod_podium
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class provider implements
    \core_privacy\local\metadata\provider,
    \core_privacy\local\request\plugin\provider,
    \core_privacy\local\request\core_userlist_provider {

    /**
     * Describe the data.
     *
     * @param collection $collection The collection to add to.
     * @return collection
     */
    public static function get_metadata(collection $collection): collection {
        $collection->add_database_table('podium_attendance', [
            'userid' => 'privacy:metadata:podium_attendance:userid',
            'timejoined' => 'privacy:metadata:podium_attendance:timejoined',
            'timeleft' => 'privacy:metadata:podium_attendance:timeleft',
            'stageseconds' => 'privacy:metadata:podium_attendance:stageseconds',
            'pollanswers' => 'privacy:metadata:podium_attendance:pollanswers',
        ], 'privacy:metadata:podium_attendance');
        $collection->add_database_table('podium_reports', [
            'userid' => 'privacy:metadata:podium_reports:userid',
            'type' => 'privacy:metadata:podium_reports:type',
            'pollid' => 'privacy:metadata:podium_reports:pollid',
            'timereported' => 'privacy:metadata:podium_reports:timereported',
        ], 'privacy:metadata:podium_reports');

        $collection->add_external_location_link('podium_server', [
            'userid' => 'privacy:metadata:podium_server:userid',
            'fullname' => 'privacy:metadata:podium_server:fullname',
            'picture' => 'privacy:metadata:podium_server:picture',
            'language' => 'privacy:metadata:podium_server:language',
            'chat' => 'privacy:metadata:podium_server:chat',
            'polls' => 'privacy:metadata:podium_server:polls',
        ], 'privacy:metadata:podium_server');

        return $collection;
    }

    /**
     * The contexts where a user has attendance records.
     *
     * @param int $userid The user.
     * @return contextlist
     */
    public static function get_contexts_for_userid(int $userid): contextlist {
        $contextlist = new contextlist();
        foreach (instance::USER_DATA_TABLES as $table) {
            $sql = "SELECT c.id
                      FROM {context} c
                      JOIN {course_modules} cm ON cm.id = c.instanceid AND c.contextlevel = :contextlevel
                      JOIN {modules} m ON m.id = cm.module AND m.name = :modname
                      JOIN {{$table}} a ON a.podiumid = cm.instance
                     WHERE a.userid = :userid";
            $contextlist->add_from_sql($sql, [
                'contextlevel' => CONTEXT_MODULE,
                'modname' => 'podium',
                'userid' => $userid,
            ]);
        }
        return $contextlist;
    }

    /**
     * The users with attendance records in a context.
     *
     * @param userlist $userlist The list to add to.
     */
    public static function get_users_in_context(userlist $userlist) {
        $context = $userlist->get_context();
        if (!$context instanceof \context_module) {
            return;
        }
        foreach (instance::USER_DATA_TABLES as $table) {
            $sql = "SELECT a.userid
                      FROM {course_modules} cm
                      JOIN {modules} m ON m.id = cm.module AND m.name = :modname
                      JOIN {{$table}} a ON a.podiumid = cm.instance
                     WHERE cm.id = :cmid";
            $userlist->add_from_sql('userid', $sql, ['modname' => 'podium', 'cmid' => $context->instanceid]);
        }
    }

    /**
     * Export a user's attendance records.
     *
     * @param approved_contextlist $contextlist The approved contexts.
     */
    public static function export_user_data(approved_contextlist $contextlist) {
        global $DB;
        $user = $contextlist->get_user();
        foreach ($contextlist->get_contexts() as $context) {
            $podiumid = self::podium_id($context);
            if ($podiumid === null) {
                continue;
            }
            $records = $DB->get_records('podium_attendance', ['podiumid' => $podiumid, 'userid' => $user->id],
                'timejoined, id');
            $reports = $DB->get_records('podium_reports', ['podiumid' => $podiumid, 'userid' => $user->id],
                'timereported, id');
            if (!$records && !$reports) {
                continue;
            }
            $attendance = [];
            foreach ($records as $record) {
                $attendance[] = (object) [
                    'timejoined' => transform::datetime($record->timejoined),
                    'timeleft' => $record->timeleft ? transform::datetime($record->timeleft) : null,
                    'stageseconds' => (int) $record->stageseconds,
                    'pollanswers' => (int) $record->pollanswers,
                ];
            }
            $data = helper::get_context_data($context, $user);
            helper::export_context_files($context, $user);
            writer::with_context($context)->export_data([], $data);
            $reported = [];
            foreach ($reports as $report) {
                $reported[] = (object) [
                    'type' => $report->type,
                    'poll' => $report->pollid === null ? null : (int) $report->pollid,
                    'time' => transform::datetime($report->timereported),
                ];
            }
            writer::with_context($context)->export_data(
                [get_string('attendance', 'mod_podium')],
                (object) ['attendance' => $attendance, 'reports' => $reported]
            );
        }
    }

    /**
     * Delete every user's attendance records in a context.
     *
     * @param \context $context The context.
     */
    public static function delete_data_for_all_users_in_context(\context $context) {
        global $DB;
        $podiumid = self::podium_id($context);
        if ($podiumid !== null) {
            foreach (instance::USER_DATA_TABLES as $table) {
                $DB->delete_records($table, ['podiumid' => $podiumid]);
            }
        }
    }

    /**
     * Delete one user's attendance records in the approved contexts.
     *
     * @param approved_contextlist $contextlist The approved contexts.
     */
    public static function delete_data_for_user(approved_contextlist $contextlist) {
        global $DB;
        $userid = $contextlist->get_user()->id;
        foreach ($contextlist->get_contexts() as $context) {
            $podiumid = self::podium_id($context);
            if ($podiumid !== null) {
                foreach (instance::USER_DATA_TABLES as $table) {
                    $DB->delete_records($table, ['podiumid' => $podiumid, 'userid' => $userid]);
                }
            }
        }
    }

    /**
     * Delete some users' attendance records in one context.
     *
     * @param approved_userlist $userlist The approved users.
     */
    public static function delete_data_for_users(approved_userlist $userlist) {
        global $DB;
        $podiumid = self::podium_id($userlist->get_context());
        $userids = $userlist->get_userids();
        if ($podiumid === null || !$userids) {
            return;
        }
        [$insql, $params] = $DB->get_in_or_equal($userids, SQL_PARAMS_NAMED);
        $params['podiumid'] = $podiumid;
        foreach (instance::USER_DATA_TABLES as $table) {
            $DB->delete_records_select($table, "podiumid = :podiumid AND userid $insql", $params);
        }
    }

    /**
     * The podium instance id of a module context, or null for any other context.
     *
     * @param \context $context
     * @return int|null
     */
    protected static function podium_id(\context $context): ?int {
        if (!$context instanceof \context_module) {
            return null;
        }
        $cm = get_coursemodule_from_id('podium', $context->instanceid);
        return $cm ? (int) $cm->instance : null;
    }
}
