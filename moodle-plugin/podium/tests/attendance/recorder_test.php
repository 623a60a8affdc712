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

namespace mod_podium\attendance;

use mod_podium\completion\custom_completion;
use mod_podium\output\attendance_report;
use mod_podium\tests\fixtures\memory_db;

/**
 * Recording reports into visits, and what they add up to.
 *
 * @package    mod_podium
 * @category   test
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \mod_podium\attendance\recorder
 * @covers     \mod_podium\attendance\summary
 * @covers     \mod_podium\output\attendance_report
 */
final class recorder_test extends \basic_testcase {
    public static function setUpBeforeClass(): void {
        require_once(dirname(__DIR__) . '/fixtures/memory_db.php');
    }

    /**
     * A report as {@see batch} gives it.
     *
     * @param string $id
     * @param string $type
     * @param int $at
     * @param array $more
     * @return array
     */
    private static function report(string $id, string $type, int $at, array $more = []): array {
        return ['id' => $id, 'user' => 7, 'at' => $at, 'type' => $type] + $more;
    }

    public function test_a_visit_opens_on_join_and_closes_on_leave_with_its_stage_time(): void {
        $db = new memory_db();
        $recorder = new recorder($db, 3);
        $this->assertTrue($recorder->record(self::report('r-1', 'join', 1000), 1001));
        $this->assertTrue($recorder->record(self::report('r-2', 'poll_answer', 1100, ['poll' => 1]), 1101));
        $this->assertTrue($recorder->record(self::report('r-3', 'leave', 1600, ['seconds' => 600, 'stageseconds' => 120]), 1601));

        $visits = array_values($db->tables['podium_attendance']);
        $this->assertCount(1, $visits);
        $this->assertSame(3, $visits[0]->podiumid);
        $this->assertSame(1000, $visits[0]->timejoined);
        $this->assertSame(1600, $visits[0]->timeleft);
        $this->assertSame(120, $visits[0]->stageseconds);
        $this->assertSame(1, attendance_report::rows($db, 3, 5000)[7]->pollanswers);
        $this->assertSame(1, $db->count_records('podium_reports', ['type' => 'poll_answer', 'pollid' => 1]));

        $rows = summary::by_user($visits, 5000);
        $this->assertSame(600, $rows[7]->seconds);
        $this->assertSame(120, $rows[7]->stageseconds);
        $this->assertFalse($rows[7]->present);
        $this->assertSame(10, summary::minutes($rows[7]->seconds));
    }

    public function test_a_report_sent_again_is_recorded_once(): void {
        $db = new memory_db();
        $recorder = new recorder($db, 3);
        $join = self::report('r-1', 'join', 1000);
        $this->assertTrue($recorder->record($join, 1001));
        $this->assertFalse($recorder->record($join, 1002), 'the retry of a call whose answer was lost');
        $answer = self::report('r-2', 'poll_answer', 1100, ['poll' => 1]);
        $recorder->record($answer, 1101);
        $recorder->record($answer, 1102);
        $this->assertCount(1, $db->tables['podium_attendance']);
        $this->assertSame(1, attendance_report::rows($db, 3, 5000)[7]->pollanswers);
        $this->assertSame(2, $db->count_records('podium_reports'));
    }

    public function test_a_batch_looks_up_its_known_reports_once(): void {
        $db = new class extends memory_db {
            /** @var int Lookups of recorded report ids. */
            public $lookups = 0;

            /**
             * Count the lookup, then make it.
             *
             * @param string $table
             * @param string $field
             * @param array $values
             * @param string $sort
             * @param string $fields
             * @return \stdClass[]
             */
            public function get_records_list(string $table, string $field, array $values, string $sort = '',
                    string $fields = '*'): array {
                $this->lookups++;
                return parent::get_records_list($table, $field, $values, $sort, $fields);
            }
        };
        $recorder = new recorder($db, 3);
        $recorder->record(self::report('r-1', 'join', 1000), 1001);
        $db->lookups = 0;
        $recorded = $recorder->record_batch([
            self::report('r-1', 'join', 1000),
            self::report('r-2', 'poll_answer', 1100, ['poll' => 1]),
            self::report('r-2', 'poll_answer', 1100, ['poll' => 1]),
            self::report('r-3', 'leave', 1600, ['seconds' => 600, 'stageseconds' => 0]),
        ], 1601);
        $this->assertSame(['r-2', 'r-3'], array_column($recorded, 'id'), 'known and repeated reports are skipped');
        $this->assertSame(1, $db->lookups);
        $this->assertSame(3, $db->count_records('podium_reports'));
        $this->assertCount(1, $db->tables['podium_attendance']);
    }

    public function test_the_report_counts_poll_answers_as_the_completion_rule_does(): void {
        $db = new memory_db();
        $recorder = new recorder($db, 3);
        $recorder->record_batch([
            self::report('r-1', 'join', 1000),
            self::report('r-2', 'poll_answer', 1100, ['poll' => 1]),
            self::report('r-3', 'leave', 1200, ['seconds' => 200, 'stageseconds' => 0]),
            self::report('r-4', 'join', 1300),
            self::report('r-5', 'poll_answer', 1400, ['poll' => 2]),
            ['id' => 'r-6', 'user' => 8, 'at' => 1500, 'type' => 'join'],
        ], 1501);
        (new recorder($db, 4))->record(self::report('r-7', 'poll_answer', 1600, ['poll' => 1]), 1601);

        $rows = attendance_report::rows($db, 3, 2000);
        $this->assertSame(2, $rows[7]->pollanswers, 'answers on two visits, not those in another activity');
        $this->assertSame(0, $rows[8]->pollanswers);
        foreach ($rows as $userid => $row) {
            $this->assertSame(summary::polls_answered($db, 3, $userid), $row->pollanswers);
        }
    }

    public function test_a_leave_whose_join_was_lost_still_records_the_visit(): void {
        $db = new memory_db();
        $recorder = new recorder($db, 3);
        $recorder->record(self::report('r-9', 'leave', 2000, ['seconds' => 300, 'stageseconds' => 0]), 2001);
        $visit = reset($db->tables['podium_attendance']);
        $this->assertSame(1700, $visit->timejoined);
        $this->assertSame(2000, $visit->timeleft);
    }

    public function test_visits_add_up_per_person_and_an_open_one_counts_until_now(): void {
        $visit = function (int $id, int $userid, int $joined, ?int $left, int $stage = 0) {
            return (object) ['id' => $id, 'userid' => $userid, 'timejoined' => $joined, 'timeleft' => $left,
                'stageseconds' => $stage];
        };
        $rows = summary::by_user([
            $visit(3, 8, 2000, null),
            $visit(1, 7, 1000, 1300, 60),
            $visit(2, 7, 1500, 1800, 30),
        ], 2600);
        $this->assertSame([7, 8], array_keys($rows), 'in order of first arrival');
        $this->assertSame(2, $rows[7]->visits);
        $this->assertSame(600, $rows[7]->seconds);
        $this->assertSame(90, $rows[7]->stageseconds);
        $this->assertSame(1800, $rows[7]->lastseen);
        $this->assertTrue($rows[8]->present);
        $this->assertSame(600, $rows[8]->seconds);
    }

    public function test_the_minutes_rule(): void {
        $this->assertTrue(custom_completion::attended_enough(1800, 30));
        $this->assertFalse(custom_completion::attended_enough(1799, 30));
        $this->assertSame(['completionminutes', 'completionpoll'], custom_completion::get_defined_custom_rules());
    }
}
