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

/**
 * The attendance calls' signature check, and the vector the server's signer checks too
 * (tests/vectors/callbacks.json at the project's root).
 *
 * @package    mod_podium
 * @category   test
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \mod_podium\attendance\signature
 */
final class signature_test extends \basic_testcase {
    /**
     * The shared vector, or a skip when the plugin is not in the project's tree.
     *
     * @return array
     */
    private function vector(): array {
        $file = dirname(__DIR__, 4) . '/tests/vectors/callbacks.json';
        if (!is_file($file)) {
            $this->markTestSkipped('the shared vectors are in the project repository, not in a Moodle install');
        }
        return json_decode(file_get_contents($file), true, 512, JSON_THROW_ON_ERROR);
    }

    public function test_the_servers_call_verifies(): void {
        $v = $this->vector();
        $this->assertSame($v['signature'], signature::sign($v['secret'], $v['timestamp'], $v['body']));
        $this->assertTrue(signature::verify($v['secret'], $v['timestamp'], $v['signature'], $v['body'], $v['now']));
    }

    public function test_a_changed_body_timestamp_or_secret_does_not(): void {
        $v = $this->vector();
        $now = $v['now'];
        $this->assertFalse(signature::verify($v['secret'], $v['timestamp'], $v['signature'], $v['body'] . ' ', $now));
        $this->assertFalse(signature::verify($v['secret'], (string) ($v['timestamp'] + 1), $v['signature'], $v['body'], $now));
        $this->assertFalse(signature::verify('other-secret', $v['timestamp'], $v['signature'], $v['body'], $now));
        $this->assertFalse(signature::verify('', $v['timestamp'], $v['signature'], $v['body'], $now));
        $this->assertFalse(signature::verify($v['secret'], $v['timestamp'], '', $v['body'], $now));
        $this->assertFalse(signature::verify($v['secret'], 'soon', $v['signature'], $v['body'], $now));
    }

    public function test_an_old_or_future_call_is_refused(): void {
        $v = $this->vector();
        $ts = (int) $v['timestamp'];
        $ok = function (int $now) use ($v) {
            return signature::verify($v['secret'], $v['timestamp'], $v['signature'], $v['body'], $now);
        };
        $this->assertTrue($ok($ts + signature::MAX_SKEW));
        $this->assertFalse($ok($ts + signature::MAX_SKEW + 1), 'a replay after five minutes');
        $this->assertTrue($ok($ts - signature::MAX_SKEW));
        $this->assertFalse($ok($ts - signature::MAX_SKEW - 1));
    }
}
