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
 * Tests of lib.php's feature list.
 *
 * @package    mod_podium
 * @category   test
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     ::podium_supports
 */
final class lib_test extends \basic_testcase {
    public static function setUpBeforeClass(): void {
        require_once(dirname(__DIR__) . '/lib.php');
    }

    public function test_supported_features(): void {
        $this->assertTrue(podium_supports(FEATURE_MOD_INTRO));
        $this->assertTrue(podium_supports(FEATURE_SHOW_DESCRIPTION));
        $this->assertTrue(podium_supports(FEATURE_BACKUP_MOODLE2));
        $this->assertTrue(podium_supports(FEATURE_COMPLETION_TRACKS_VIEWS));
        // Attended for at least N minutes, answered a poll (classes/completion/custom_completion.php).
        $this->assertTrue(podium_supports(FEATURE_COMPLETION_HAS_RULES));
        $this->assertSame(MOD_PURPOSE_COMMUNICATION, podium_supports(FEATURE_MOD_PURPOSE));
    }

    public function test_unsupported_features(): void {
        // One activity is one room, so groups are not offered.
        $this->assertFalse(podium_supports(FEATURE_GROUPS));
        $this->assertFalse(podium_supports(FEATURE_GROUPINGS));
        $this->assertFalse(podium_supports(FEATURE_GRADE_HAS_GRADE));
        $this->assertNull(podium_supports('no_such_feature'));
    }
}
