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
 * Tests of the join token's claims and signature.
 *
 * @package    mod_podium
 * @category   test
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \mod_podium\token
 */
final class token_test extends \basic_testcase {
    /** @var string[] The required claims, in docs/token.md's order. */
    const REQUIRED = ['iss', 'aud', 'sub', 'name', 'role', 'room', 'iat', 'exp', 'jti'];

    /**
     * Claims for a typical user, with some optional claims.
     *
     * @param array $optional
     * @return array
     */
    private function sample(array $optional = []): array {
        return token::claims('abc', '7', 'Ada Lovelace', token::ROLE_ATTENDEE, 'abc:42', 1000, 300,
            '00112233445566778899aabbccddeeff', $optional);
    }

    /**
     * Decode one base64url segment.
     *
     * @param string $segment
     * @return string
     */
    private static function b64decode(string $segment): string {
        return base64_decode(strtr($segment, '-_', '+/') . str_repeat('=', (4 - strlen($segment) % 4) % 4), true);
    }

    public function test_site_id_is_the_start_of_the_sha256_of_wwwroot(): void {
        // Worked out independently: sha256("https://moodle.example.edu")[0:32].
        $this->assertSame('29f001538959a6a7cb663e9fa83d1e6b', token::site_id('https://moodle.example.edu'));
        $this->assertSame(token::site_id('https://moodle.example.edu'), token::site_id('https://moodle.example.edu/'));
        $this->assertNotSame(token::site_id('https://moodle.example.edu'), token::site_id('https://moodle.example.edu/school'));
        $this->assertMatchesRegularExpression('/^[0-9a-f]{32}$/', token::site_id('http://localhost:8080/moodle'));
    }

    public function test_room_id_is_site_and_course_module(): void {
        $site = token::site_id('https://moodle.example.edu');
        $this->assertSame($site . ':42', token::room_id($site, 42));
        $this->assertLessThanOrEqual(token::ROOM_MAX_CHARS, strlen(token::room_id($site, PHP_INT_MAX)));
    }

    public function test_role_moderate_outranks_present_outranks_join(): void {
        $this->assertSame('moderator', token::role(true, true));
        $this->assertSame('moderator', token::role(true, false));
        $this->assertSame('presenter', token::role(false, true));
        $this->assertSame('attendee', token::role(false, false));
    }

    public function test_lifetime_defaults_and_stays_in_bounds(): void {
        $this->assertSame(300, token::lifetime(null));
        $this->assertSame(300, token::lifetime(''));
        $this->assertSame(300, token::lifetime('0'));
        $this->assertSame(300, token::lifetime(-5));
        $this->assertSame(60, token::lifetime(10));
        $this->assertSame(450, token::lifetime('450'));
        $this->assertSame(600, token::lifetime(600));
        $this->assertSame(600, token::lifetime(3600));
    }

    public function test_required_claims_come_in_the_contract_order(): void {
        $claims = $this->sample();
        $this->assertSame(self::REQUIRED, array_keys($claims));
        $this->assertSame('podium', $claims['aud']);
        $this->assertSame(1000, $claims['iat']);
        $this->assertSame(1300, $claims['exp']);
    }

    public function test_optional_claims_follow_in_the_contract_order_whatever_order_they_are_given(): void {
        $claims = $this->sample([
            'stage_mode' => 'invite',
            'room_title' => 'Week 3',
            'locale' => 'pt_br',
            'picture' => 'https://moodle.example.edu/pic.png',
            'nbf' => '990',
        ]);
        $this->assertSame(array_merge(self::REQUIRED, ['nbf', 'picture', 'locale', 'room_title', 'stage_mode']),
            array_keys($claims));
        $this->assertSame(990, $claims['nbf']);
    }

    public function test_the_activity_settings_reach_the_token(): void {
        $podium = (object) ['stagemode' => 'invite', 'chatenabled' => 1, 'reactionsenabled' => 0, 'pollsenabled' => 1];
        $claims = $this->sample(token::activity_claims($podium));
        $this->assertSame('invite', $claims['stage_mode']);
        $this->assertSame(['chat' => true, 'reactions' => false, 'polls' => true], $claims['features'],
            'the client learns the features from the token, not from the page');
    }

    public function test_empty_optional_claims_are_left_out(): void {
        $claims = $this->sample(['picture' => null, 'locale' => '', 'room_title' => 'Week 3']);
        $this->assertSame(array_merge(self::REQUIRED, ['room_title']), array_keys($claims));
    }

    public function test_names_are_trimmed_and_cut_to_64_characters(): void {
        $long = str_repeat('é', 70);
        $claims = token::claims('abc', '7', "  $long  ", 'attendee', 'abc:1', 0, 300, 'j');
        $this->assertSame(str_repeat('é', 64), $claims['name']);
        $this->assertSame('Ada', token::display_name(' Ada '));
    }

    /**
     * Values the server would refuse.
     *
     * @return array
     */
    public static function refused_values_provider(): array {
        return [
            'unknown role' => ['teacher', 'abc:1', []],
            'unknown stage mode' => ['attendee', 'abc:1', ['stage_mode' => 'closed']],
            'room too long' => ['attendee', str_repeat('r', 129), []],
            'empty room' => ['attendee', '', []],
            'unknown optional claim' => ['attendee', 'abc:1', ['groups' => 'x']],
        ];
    }

    /**
     * The builder refuses what the server would refuse.
     *
     * @dataProvider refused_values_provider
     * @param string $role
     * @param string $room
     * @param array $optional
     */
    public function test_values_the_server_refuses_are_not_signed(string $role, string $room, array $optional): void {
        $this->expectException(\InvalidArgumentException::class);
        token::claims('abc', '7', 'Ada', $role, $room, 0, 300, 'j', $optional);
    }

    public function test_empty_identity_is_refused(): void {
        $this->expectException(\InvalidArgumentException::class);
        token::claims('abc', '', 'Ada', 'attendee', 'abc:1', 0, 300, 'j');
    }

    public function test_sign_makes_an_hs256_jwt_that_verifies(): void {
        $claims = $this->sample(['room_title' => 'A/B "test" — ñ', 'stage_mode' => 'open']);
        $jwt = token::sign($claims, 'test-secret');
        $parts = explode('.', $jwt);
        $this->assertCount(3, $parts);
        $this->assertSame(['typ' => 'JWT', 'alg' => 'HS256'], json_decode(self::b64decode($parts[0]), true));
        $this->assertSame($claims, json_decode(self::b64decode($parts[1]), true));
        $expected = hash_hmac('sha256', $parts[0] . '.' . $parts[1], 'test-secret', true);
        $this->assertTrue(hash_equals($expected, self::b64decode($parts[2])));
        $this->assertStringNotContainsString('=', $jwt);
        $this->assertStringNotContainsString('\\/', self::b64decode($parts[1]), 'slashes are not escaped');
    }

    public function test_sign_refuses_an_empty_secret(): void {
        $this->expectException(\InvalidArgumentException::class);
        token::sign($this->sample(), '');
    }

    public function test_token_ids_are_random_hex(): void {
        $jti = token::new_jti();
        $this->assertMatchesRegularExpression('/^[0-9a-f]{32}$/', $jti);
        $this->assertNotSame($jti, token::new_jti());
    }
}
