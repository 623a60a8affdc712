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

use mod_podium\token;

/**
 * Reading an attendance call's body.
 *
 * @package    mod_podium
 * @category   test
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \mod_podium\attendance\batch
 */
final class batch_test extends \basic_testcase {
    /** @var string The site of the shared vectors. */
    const SITE = '29f001538959a6a7cb663e9fa83d1e6b';

    /**
     * A body with these reports for course module 42.
     *
     * @param array $reports
     * @param string|null $room
     * @return string
     */
    private static function body(array $reports, ?string $room = null): string {
        return json_encode(['room' => $room ?? token::room_id(self::SITE, 42), 'reports' => $reports]);
    }

    public function test_the_shared_vectors_body_reads_as_three_reports(): void {
        $file = dirname(__DIR__, 4) . '/tests/vectors/callbacks.json';
        if (!is_file($file)) {
            $this->markTestSkipped('the shared vectors are in the project repository');
        }
        $v = json_decode(file_get_contents($file), true);
        $batch = batch::parse($v['body'], self::SITE);
        $this->assertSame(42, $batch->cmid);
        $this->assertSame(['join', 'poll_answer', 'leave'], array_column($batch->reports, 'type'));
        $this->assertSame(7, $batch->reports[0]['user']);
        $this->assertSame(1, $batch->reports[1]['poll']);
        $this->assertSame(300, $batch->reports[2]['seconds']);
        $this->assertSame(60, $batch->reports[2]['stageseconds']);
    }

    public function test_only_this_sites_rooms_are_taken(): void {
        $this->assertSame(42, batch::cmid(self::SITE . ':42', self::SITE));
        $this->assertNull(batch::cmid('0123456789abcdef0123456789abcdef:42', self::SITE));
        $this->assertNull(batch::cmid(self::SITE . ':042', self::SITE));
        $this->assertNull(batch::cmid(self::SITE . ':42x', self::SITE));
        $this->assertNull(batch::cmid(self::SITE . ':', self::SITE));
        $this->assertNull(batch::cmid('demo', self::SITE));
        $this->expectException(\InvalidArgumentException::class);
        batch::parse(self::body([], 'other:42'), self::SITE);
    }

    /**
     * Bodies that are refused, each with what is wrong.
     *
     * @return array
     */
    public static function bad_bodies(): array {
        $join = ['id' => 'a-1', 'user' => '7', 'at' => 1767225600, 'type' => 'join'];
        return [
            'not JSON' => ['{'],
            'no reports' => [json_encode(['room' => self::SITE . ':42'])],
            'unknown type' => [self::body([['type' => 'chat'] + $join])],
            'id with spaces' => [self::body([['id' => 'a 1'] + $join])],
            'id too long' => [self::body([['id' => str_repeat('a', 65)] + $join])],
            'user not an id' => [self::body([['user' => 'admin'] + $join])],
            'user as a number' => [self::body([['user' => 7] + $join])],
            'time as text' => [self::body([['at' => '1767225600'] + $join])],
            'leave without seconds' => [self::body([['type' => 'leave'] + $join])],
            'more on stage than present' => [self::body([['type' => 'leave', 'seconds' => 10, 'stage_seconds' => 11] + $join])],
            'poll answer without a poll' => [self::body([['type' => 'poll_answer'] + $join])],
            'too many reports' => [self::body(array_fill(0, batch::MAX_REPORTS + 1, $join))],
        ];
    }

    /**
     * @dataProvider bad_bodies
     * @param string $body
     */
    public function test_a_bad_body_is_refused(string $body): void {
        $this->expectException(\InvalidArgumentException::class);
        batch::parse($body, self::SITE);
    }
}
