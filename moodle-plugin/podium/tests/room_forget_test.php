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
 * Tests for the request that deletes an activity's room on the server.
 *
 * @package    mod_podium
 * @category   test
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \mod_podium\room_forget
 */
final class room_forget_test extends \basic_testcase {
    public function test_a_request_names_the_activitys_room_with_its_own_audience(): void {
        $claims = room_forget::claims('29f001538959a6a7cb663e9fa83d1e6b', 42, 1767225600, 'abc123');
        $this->assertSame([
            'iss' => '29f001538959a6a7cb663e9fa83d1e6b',
            'aud' => 'podium-forget',
            'room' => token::room_id('29f001538959a6a7cb663e9fa83d1e6b', 42),
            'iat' => 1767225600,
            'exp' => 1767225660,
            'jti' => 'abc123',
        ], $claims);
        // Never a join token's audience: a join token cannot delete a room, nor this one enter it.
        $this->assertNotSame(token::AUDIENCE, $claims['aud']);
    }

    public function test_a_signed_request_is_an_hs256_jwt_of_those_claims(): void {
        $claims = room_forget::claims('29f001538959a6a7cb663e9fa83d1e6b', 42, 1767225600, 'abc123');
        [$head, $body, $mac] = explode('.', token::sign($claims, 'test-secret'));
        $decode = fn(string $s) => base64_decode(strtr($s, '-_', '+/'), false);
        $this->assertSame($claims, json_decode($decode($body), true));
        $this->assertSame(hash_hmac('sha256', "$head.$body", 'test-secret', true), $decode($mac));
    }
}
